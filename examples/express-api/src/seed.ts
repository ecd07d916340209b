import type { PlatformConfig } from '@tenancy/postgres';
import { withPlatformTransaction } from '@tenancy/postgres';
import { workspaces } from '@tenancy/postgres/schema';
import { asc, eq } from 'drizzle-orm';
import { acceptInvite, signUp } from './auth/accounts.js';
import { createUserWithPassword } from './auth/credentials.js';
import { hashPassword } from './auth/passwords.js';
import { projects, tasks } from './schema.js';
import type { AppServices } from './services.js';

/** The password of every demo user. Printed at start; the demo is for a laptop, not for the internet. */
export const DEMO_PASSWORD = 'demo-password';

const DEMO_TENANTS = [
  {
    slug: 'acme',
    name: 'Acme Inc.',
    owner: { email: 'ada@acme.test', displayName: 'Ada' },
    members: [{ email: 'vic@acme.test', displayName: 'Vic', role: 'viewer' }],
    projects: [
      { name: 'Website relaunch', tasks: ['Write the launch post', 'Pick a date'] },
      { name: 'Customer portal', tasks: ['Sketch the sign-in page'] },
    ],
  },
  {
    slug: 'globex',
    name: 'Globex Corporation',
    owner: { email: 'grace@globex.test', displayName: 'Grace' },
    members: [],
    projects: [{ name: 'Project Hammock', tasks: ['Keep this away from Acme'] }],
  },
] as const;

const PLATFORM_ADMIN = { email: 'ops@platform.test', displayName: 'Olga from operations' } as const;

/** A demo user: who they are and the password they sign in with. */
export interface DemoUser {
  readonly id: string;
  readonly email: string;
}

/** A demo tenant with the ids the printed commands use. */
export interface DemoTenant {
  readonly id: string;
  readonly slug: string;
  readonly defaultWorkspaceId: string;
  readonly projectIds: readonly string[];
}

/** What the demo seed holds, for the printed commands and the tests. */
export interface DemoData {
  readonly password: string;
  readonly tenants: { readonly acme: DemoTenant; readonly globex: DemoTenant };
  readonly users: {
    readonly ada: DemoUser;
    readonly vic: DemoUser;
    readonly grace: DemoUser;
    readonly ops: DemoUser;
  };
}

async function tenantIdOf(services: AppServices, slug: string): Promise<string | undefined> {
  const { sql, tenancyConfig } = services;
  const s = sql(tenancyConfig.helperSchema);
  const [row] = await withPlatformTransaction(
    sql,
    tenancyConfig,
    { readOnly: true },
    (tx) => tx<Array<{ id: string }>>`select id from ${s}.tenants where slug = ${slug} and deleted_at is null`,
  );
  return row?.id;
}

async function userIdOf(sql: AppServices['sql'], config: PlatformConfig, email: string): Promise<string> {
  const s = sql(config.helperSchema);
  const [row] = await withPlatformTransaction(
    sql,
    config,
    { readOnly: true },
    (tx) => tx<Array<{ id: string }>>`select id from ${s}.users where email = ${email}`,
  );
  if (row === undefined) throw new Error(`seed: the demo user ${email} is missing.`);
  return row.id;
}

// Everything through the same paths the API uses: sign-up creates the tenant, its owner and default workspace;
// members join by invitation; projects and tasks are written as the owner, under RLS.
async function createDemoTenant(services: AppServices, demo: (typeof DEMO_TENANTS)[number]): Promise<void> {
  const { sql, tenancyConfig, lifecycle, db } = services;
  const deps = { sql, tenancyConfig, lifecycle };
  const created = await signUp(deps, {
    tenant: { slug: demo.slug, name: demo.name },
    email: demo.owner.email,
    password: DEMO_PASSWORD,
    displayName: demo.owner.displayName,
  });
  for (const member of demo.members) {
    const { token } = await lifecycle.inviteMember({
      tenantId: created.tenant.id,
      email: member.email,
      roles: [member.role],
      invitedBy: created.user.id,
    });
    await acceptInvite(deps, { token, email: member.email, password: DEMO_PASSWORD, displayName: member.displayName });
  }
  const unit = { tenantId: created.tenant.id, userId: created.user.id, workspaceId: created.workspace.id };
  for (const project of demo.projects) {
    await db.withTenant(unit, async (tx) => {
      const [row] = await tx.insert(projects).values({ name: project.name }).returning({ id: projects.id });
      if (row === undefined) throw new Error('seed: the project insert returned no row.');
      if (project.tasks.length > 0) {
        await tx.insert(tasks).values(project.tasks.map((title) => ({ projectId: row.id, title })));
      }
    });
  }
}

async function loadDemoTenant(services: AppServices, slug: string, ownerId: string): Promise<DemoTenant> {
  const id = await tenantIdOf(services, slug);
  if (id === undefined) throw new Error(`seed: the demo tenant ${slug} is missing.`);
  const [workspace, rows] = await services.db.withTenant(
    { tenantId: id, userId: ownerId },
    (tx) =>
      [
        tx.select({ id: workspaces.id }).from(workspaces).where(eq(workspaces.isDefault, true)),
        tx.select({ id: projects.id }).from(projects).orderBy(asc(projects.createdAt), asc(projects.id)),
      ] as const,
  );
  const defaultWorkspaceId = workspace[0]?.id;
  if (defaultWorkspaceId === undefined) throw new Error(`seed: ${slug} has no default workspace.`);
  return { id, slug, defaultWorkspaceId, projectIds: rows.map((r) => r.id) };
}

/**
 * Seeds two demo tenants (acme with an owner and a viewer, globex with an owner, a few projects and tasks each) and a
 * platform admin, unless they exist (a restart on the same DATABASE_URL keeps what is there). Returns their ids.
 */
export async function seedDemo(services: AppServices): Promise<DemoData> {
  const { sql, tenancyConfig } = services;
  for (const demo of DEMO_TENANTS) {
    if ((await tenantIdOf(services, demo.slug)) === undefined) await createDemoTenant(services, demo);
  }
  const ops = await createUserWithPassword(sql, tenancyConfig, PLATFORM_ADMIN, await hashPassword(DEMO_PASSWORD));
  const user = async (email: string): Promise<DemoUser> => ({ id: await userIdOf(sql, tenancyConfig, email), email });
  const [ada, vic, grace] = await Promise.all([
    user('ada@acme.test'),
    user('vic@acme.test'),
    user('grace@globex.test'),
  ]);
  return {
    password: DEMO_PASSWORD,
    tenants: {
      acme: await loadDemoTenant(services, 'acme', ada.id),
      globex: await loadDemoTenant(services, 'globex', grace.id),
    },
    users: { ada, vic, grace, ops: { id: ops, email: PLATFORM_ADMIN.email } },
  };
}
