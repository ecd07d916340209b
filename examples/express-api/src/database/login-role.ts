import { randomBytes } from 'node:crypto';
import type { ResolvedTenancyConfig } from '@tenancy/postgres';
import type postgres from 'postgres';

const ident = (name: string): string => `"${name.replaceAll('"', '""')}"`;
const literal = (value: string): string => `'${value.replaceAll("'", "''")}'`;

/** A login role for the app and the connection string that logs in with it. */
export interface LoginRole {
  readonly name: string;
  readonly url: string;
}

/**
 * Creates (or updates) the role the app logs in with: LOGIN, not a superuser, no BYPASSRLS, owning nothing, and
 * NOINHERIT: it is granted the app and platform roles but holds none of their privileges until a unit of work switches
 * to one (SET LOCAL ROLE). A query that goes around the tenant-scoped database is refused outright instead of running
 * against forced RLS. A new random password on every call: no password is kept anywhere. `adminSql` needs CREATEROLE
 * (or superuser).
 */
export async function ensureLoginRole(
  adminSql: postgres.Sql,
  adminUrl: string,
  config: Pick<ResolvedTenancyConfig, 'roles'>,
  name = `${config.roles.app}_login`,
): Promise<LoginRole> {
  const password = randomBytes(18).toString('base64url');
  const role = ident(name);
  await adminSql.begin(async (tx) => {
    // Serialized like `tenancy apply`: roles are cluster-wide, and two starts at once would race on creating one.
    await tx.unsafe(
      "select pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('tenancy example login role', 0))",
    );
    const [exists] = await tx`select 1 from pg_catalog.pg_roles where rolname = ${name}`;
    if (exists === undefined) await tx.unsafe(`create role ${role} login`);
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
