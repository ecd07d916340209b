import { randomBytes } from 'node:crypto';
import type { ResolvedTenancyConfig } from '@tenancy/postgres';
import type postgres from 'postgres';

const ident = (name: string): string => `"${name.replaceAll('"', '""')}"`;
const literal = (value: string): string => `'${value.replaceAll("'", "''")}'`;

/** The role the app logs in with, and the connection string that logs in as it. */
export interface LoginRole {
  readonly name: string;
  readonly url: string;
}

/**
 * Creates (or updates) the role the app logs in with: LOGIN, not a superuser, no BYPASSRLS, owning nothing, granted
 * the app and platform roles (every unit of work switches to one of them) but NOINHERIT: it may switch to them, it
 * does not hold their privileges itself. A query that goes around the tenant-scoped database is refused outright;
 * with INHERIT it would hold the platform role's privileges, and the platform-only policies (`using (true)`, as on
 * `credentials`) would show it every row. A new random password on every start: it lives only in the server's
 * environment. `adminSql` needs CREATEROLE (or superuser).
 * @example
 * const login = await ensureLoginRole(sql, process.env.DATABASE_URL, config);
 */
export async function ensureLoginRole(
  adminSql: postgres.Sql,
  adminUrl: string,
  config: Pick<ResolvedTenancyConfig, 'roles'>,
  // Not the Express example's `<app>_login`: both examples may run on one server, each resetting its own password.
  name = `${config.roles.app}_next_login`,
): Promise<LoginRole> {
  const password = randomBytes(18).toString('base64url');
  const role = ident(name);
  await adminSql.begin(async (tx) => {
    // Roles are cluster-wide: two starts at once would race on creating the same one.
    await tx.unsafe(
      "select pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('tenancy next example login role', 0))",
    );
    const [exists] = await tx`select 1 from pg_catalog.pg_roles where rolname = ${name}`;
    if (exists === undefined) await tx.unsafe(`create role ${role} login noinherit`);
    await tx.unsafe(
      `alter role ${role} login noinherit nosuperuser nobypassrls nocreatedb nocreaterole password ${literal(password)}`,
    );
    await tx.unsafe(`grant ${ident(config.roles.app)}, ${ident(config.roles.platform)} to ${role}`);
  });
  const url = new URL(adminUrl);
  url.username = encodeURIComponent(name);
  url.password = encodeURIComponent(password);
  return { name, url: url.toString() };
}
