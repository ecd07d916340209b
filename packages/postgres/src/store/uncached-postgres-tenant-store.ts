import type { Membership, TenantRecord, TenantStore, WorkspaceMembership } from '@tenancy/core';
import { normalizeHost, parseSlug, parseTenantId } from '@tenancy/core';
import type postgres from 'postgres';
import type { PlatformConfig } from '../foundation/platform-transaction.js';
import { defaultFoundationConfig, enterPlatform } from '../foundation/platform-transaction.js';
import type { TenantBranding, TenantSettings } from '../foundation/tenant-settings.js';

/** A tenant as the Postgres store returns it: core's record plus the tenant's branding. */
export interface PostgresTenantRecord extends TenantRecord<TenantSettings> {
  readonly branding: TenantBranding;
}

/** Options for {@link createUncachedPostgresTenantStore}. */
export interface UncachedPostgresTenantStoreOptions {
  /** A postgres.js client connected as the login role, which must be granted the platform role. */
  sql: postgres.Sql;
  /** The resolved config (helper schema, role and setting names). Default: the defaults with `foundation: true`. */
  config?: PlatformConfig | undefined;
}

interface TenantRow {
  id: string;
  slug: string;
  name: string;
  status: TenantRecord['status'];
  plan: string | null;
  settings: TenantSettings;
  branding: TenantBranding;
}

interface MembershipRow {
  tenant_id: string;
  user_id: string;
  roles: string[];
  workspaces: Array<{ workspaceId: string; roles: string[] }>;
}

/**
 * A {@link TenantStore} reading the foundation tables on every call, with no cache: wrap it with core's
 * `createCachedTenantStore`, or use {@link createPostgresTenantStore}, which does that and listens for invalidations.
 * Each lookup is one short read-only transaction as the platform role (the lookups run before a tenant is known, so
 * they must read across tenants; the login role sees nothing through forced RLS and the app role must never run
 * without a tenant). Identifiers are validated before any SQL: an id that is not a uuid, a slug that is not a slug,
 * a host that is not a host name all answer `null`, as no tenant can have them. A deleted tenant is found by id with
 * status `deleted`; its slug and domains were freed when it was deleted, so they no longer find it.
 * @example
 * const store = createCachedTenantStore(createUncachedPostgresTenantStore({ sql }));
 * @see https://github.com/tenancy/tenancy/blob/main/docs/lifecycle.md#tenant-store
 */
export function createUncachedPostgresTenantStore(options: UncachedPostgresTenantStoreOptions): TenantStore & {
  findById(id: string): Promise<PostgresTenantRecord | null>;
  findBySlug(slug: string): Promise<PostgresTenantRecord | null>;
  findByDomain(domain: string): Promise<PostgresTenantRecord | null>;
} {
  const { sql } = options;
  const config = options.config ?? defaultFoundationConfig();
  const s = sql(config.helperSchema);

  // The role switch and the lookup go out together (postgres.js pipelines queries started before either is awaited),
  // so a lookup costs BEGIN + two statements + COMMIT, all prepared.
  const read = async <T extends postgres.Row>(query: (tx: postgres.TransactionSql) => postgres.PendingQuery<T[]>) =>
    (await sql.begin('read only', async (tx) => {
      const [, rows] = await Promise.all([enterPlatform(tx, config, {}), query(tx)]);
      return rows;
    })) as unknown as T[];

  const tenantColumns = (tx: postgres.TransactionSql) =>
    tx`t.id, t.slug, t.name, t.status, t.plan, t.settings, t.branding`;

  const one = (rows: TenantRow[]): PostgresTenantRecord | null => {
    const row = rows[0];
    if (row === undefined) return null;
    return {
      id: row.id,
      slug: row.slug,
      name: row.name,
      status: row.status,
      plan: row.plan,
      settings: row.settings,
      branding: row.branding,
    };
  };

  const membership = (row: MembershipRow): Membership => {
    const workspaces: WorkspaceMembership[] = row.workspaces.map((w) => ({
      workspaceId: w.workspaceId,
      roles: w.roles,
    }));
    return {
      tenantId: row.tenant_id,
      userId: row.user_id,
      roles: row.roles,
      ...(workspaces.length === 0 ? {} : { workspaces }),
    };
  };

  const membershipQuery = (tx: postgres.TransactionSql, where: postgres.PendingQuery<postgres.Row[]>) =>
    tx<MembershipRow[]>`
      select m.tenant_id, m.user_id, m.roles,
        coalesce((
          select json_agg(json_build_object('workspaceId', w.workspace_id, 'roles', w.roles) order by w.workspace_id)
          from ${s}.workspace_memberships w where w.tenant_id = m.tenant_id and w.user_id = m.user_id
        ), '[]'::json) as workspaces
      from ${s}.memberships m join ${s}.tenants t on t.id = m.tenant_id
      where ${where}
      order by m.tenant_id`;

  return {
    async findById(id) {
      const valid = validUuid(id);
      if (valid === null) return null;
      return one(
        await read<TenantRow>((tx) => tx`select ${tenantColumns(tx)} from ${s}.tenants t where t.id = ${valid}`),
      );
    },
    async findBySlug(slug) {
      const valid = attempt(() => parseSlug(slug, { reserved: [] }));
      if (valid === null) return null;
      return one(
        await read<TenantRow>(
          (tx) => tx`select ${tenantColumns(tx)} from ${s}.tenants t where t.slug = ${valid} and t.deleted_at is null`,
        ),
      );
    },
    async findByDomain(domain) {
      const valid = attempt(() => normalizeHost(domain));
      if (valid === null) return null;
      return one(
        await read<TenantRow>(
          (tx) => tx`select ${tenantColumns(tx)} from ${s}.domains d join ${s}.tenants t on t.id = d.tenant_id
            where d.domain = ${valid} and d.verified`,
        ),
      );
    },
    async getMembership(tenantId, userId) {
      const tenant = validUuid(tenantId);
      const user = validUuid(userId);
      if (tenant === null || user === null) return null;
      const rows = await read<MembershipRow>((tx) =>
        membershipQuery(tx, tx`m.tenant_id = ${tenant} and m.user_id = ${user}`),
      );
      return rows[0] === undefined ? null : membership(rows[0]);
    },
    async listMemberships(userId) {
      const user = validUuid(userId);
      if (user === null) return [];
      // Deleted tenants are gone for their members; suspended ones stay listed (a switcher can show them greyed out).
      const rows = await read<MembershipRow>((tx) =>
        membershipQuery(tx, tx`m.user_id = ${user} and t.deleted_at is null`),
      );
      return rows.map(membership);
    },
  };
}

function attempt(parse: () => string): string | null {
  try {
    return parse();
  } catch {
    return null;
  }
}

function validUuid(value: string): string | null {
  return attempt(() => parseTenantId(value, 'uuid'));
}
