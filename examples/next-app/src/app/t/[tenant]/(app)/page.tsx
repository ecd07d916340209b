import { asc } from 'drizzle-orm';
import { NewProjectForm } from '../../../../components/new-project-form';
import { projects } from '../../../../lib/database-schema';
import { requireMember } from '../../../../lib/require-member';
import { services } from '../../../../lib/services';
import { runInTenant } from '../../../../lib/tenancy-server';

// The dashboard: the tenant's projects. No WHERE on the tenant: the query runs in the request's tenant context, as
// the app role, and row level security returns this tenant's rows and nothing else.
export default async function Dashboard() {
  const member = await requireMember();
  const rows = await runInTenant(() =>
    services().tenantDb.run((db) =>
      db.select({ id: projects.id, name: projects.name }).from(projects).orderBy(asc(projects.name)),
    ),
  );
  return (
    <section className="stack">
      <h1>Projects</h1>
      <ul className="card list" data-testid="projects">
        {rows.map((project) => (
          <li key={project.id} data-testid="project">
            {project.name}
          </li>
        ))}
      </ul>
      {rows.length === 0 ? <p className="muted">No projects yet.</p> : null}
      {member.can('project:create') ? <NewProjectForm /> : null}
    </section>
  );
}
