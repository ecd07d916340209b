import { memberships, platformAuditLog, tenants } from '@tenancy/postgres/schema';
import { asc, count, desc } from 'drizzle-orm';
import { redirect } from 'next/navigation';
import { SignOutButton } from '../../components/sign-out-button';
import { projects } from '../../lib/database-schema';
import { services } from '../../lib/services';
import { getTenantContext } from '../../lib/tenancy-server';

// The platform admin page, on the bare host. Listing every tenant crosses tenants, so it goes through the audited
// platform path: asPlatform() records who looked and why before it runs, as the platform role, on its own pool.
export default async function AdminPage() {
  const { principal } = await getTenantContext();
  if (principal === undefined) redirect('/sign-in');
  if (!principal.platformAdmin) {
    return (
      <main className="narrow stack" data-testid="admin-refused">
        <h1>Platform admins only</h1>
        <p>Your account is not a platform admin.</p>
        <SignOutButton />
      </main>
    );
  }
  const [tenantRows, memberCounts, projectCounts, audit] = await services().tenantDb.asPlatform(
    { reason: 'Platform admin page: tenant overview', principalId: principal.id },
    (db) => [
      db
        .select({ id: tenants.id, slug: tenants.slug, name: tenants.name, status: tenants.status })
        .from(tenants)
        .orderBy(asc(tenants.slug)),
      db.select({ tenantId: memberships.tenantId, n: count() }).from(memberships).groupBy(memberships.tenantId),
      db.select({ tenantId: projects.tenantId, n: count() }).from(projects).groupBy(projects.tenantId),
      db
        .select({
          id: platformAuditLog.id,
          at: platformAuditLog.occurredAt,
          action: platformAuditLog.action,
          data: platformAuditLog.data,
        })
        .from(platformAuditLog)
        .orderBy(desc(platformAuditLog.occurredAt))
        .limit(5),
    ],
  );
  const countOf = (rows: Array<{ tenantId: string; n: number }>, id: string) =>
    rows.find((row) => row.tenantId === id)?.n ?? 0;
  return (
    <main className="stack wide">
      <h1>Platform admin</h1>
      <table className="card" data-testid="admin-tenants">
        <thead>
          <tr>
            <th>Slug</th>
            <th>Name</th>
            <th>Status</th>
            <th>Members</th>
            <th>Projects</th>
          </tr>
        </thead>
        <tbody>
          {tenantRows.map((tenant) => (
            <tr key={tenant.id} data-testid="admin-tenant">
              <td data-testid="admin-tenant-slug">{tenant.slug}</td>
              <td>{tenant.name}</td>
              <td>{tenant.status}</td>
              <td>{countOf(memberCounts, tenant.id)}</td>
              <td>{countOf(projectCounts, tenant.id)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Recent platform access</h2>
      <ul className="card list">
        {audit.map((entry) => (
          <li key={entry.id}>
            {entry.at.toISOString()} {entry.action}: {String(entry.data['reason'] ?? '')}
          </li>
        ))}
      </ul>
      <SignOutButton />
    </main>
  );
}
