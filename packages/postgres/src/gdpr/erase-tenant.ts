import { TenancyError } from '@tenancy/core';
import type postgres from 'postgres';
import { z } from 'zod';
import type { ResolvedTenancyConfig } from '../config/config-types.js';
import { toTenancyError } from '../foundation/database-error.js';
import { AUDIT_MAINTENANCE_SETTING } from '../foundation/foundation-sql.js';
import { jsonText } from '../foundation/json-text.js';
import { defaultFoundationConfig, withPlatformTransaction } from '../foundation/platform-transaction.js';
import { parseInput, uuidSchema } from '../lifecycle/lifecycle-input.js';
import { notifyTenantChanged, TENANT_INVALIDATION_CHANNEL } from '../store/listen-for-invalidations.js';
import { configuredTenantTables, inDependencyOrder, tableKey } from './tenant-tables.js';

/** Options for {@link eraseTenant}. */
export interface EraseTenantOptions {
  /** A postgres.js client connected as the login role, which must be granted the platform role. */
  sql: postgres.Sql;
  /** The resolved config: every tenant and workspace table in it is erased. Default: the defaults with `foundation: true`. */
  config?: ResolvedTenancyConfig | undefined;
  tenantId: string;
  /** Who erases, for the platform audit log. */
  actorId?: string | null | undefined;
  /**
   * Also delete the users who were members of this tenant and of no other (default false). Users are global
   * identities, not the tenant's data; turn this on when your users exist only through memberships.
   */
  deleteOrphanedUsers?: boolean | undefined;
  /** The NOTIFY channel the tenant stores listen on. Default `tenancy_invalidate`. */
  channel?: string | undefined;
}

/** Rows deleted per table (`schema.name` -> count), every tenant table of the config listed, zeros included. */
export type ErasureCounts = Record<string, number>;

const schema = z.object({ tenantId: uuidSchema, actorId: uuidSchema.nullable().optional() });

/**
 * Deletes every row of one tenant from every tenant and workspace table of the config (children before parents, from
 * the foreign keys in the catalog), inside the caller's platform transaction. Opens the audit log for this tenant's
 * rows only, for this transaction only.
 */
export async function eraseTenantRows(
  tx: postgres.TransactionSql,
  config: ResolvedTenancyConfig,
  tenantId: string,
  options: { deleteOrphanedUsers?: boolean | undefined } = {},
): Promise<ErasureCounts> {
  const tables = await inDependencyOrder(tx, configuredTenantTables(config));
  await tx`set constraints all deferred`;
  await tx`select set_config(${AUDIT_MAINTENANCE_SETTING}, ${tenantId}, true)`;
  const members =
    config.foundation && options.deleteOrphanedUsers === true
      ? await tx<Array<{ user_id: string }>>`
          select user_id from ${tx(config.helperSchema)}.memberships where tenant_id = ${tenantId}`
      : [];
  const counts: ErasureCounts = {};
  for (const table of [...tables].reverse()) {
    const result =
      await tx`delete from ${tx(table.schema)}.${tx(table.name)} where ${tx(table.tenantColumn)} = ${tenantId}`;
    counts[tableKey(table)] = result.count;
  }
  if (members.length > 0) {
    const s = tx(config.helperSchema);
    const deleted = await tx`delete from ${s}.users u where u.id = any(${members.map((m) => m.user_id)})
      and not exists (select 1 from ${s}.memberships m where m.user_id = u.id)`;
    counts[`${config.helperSchema}.users`] = deleted.count;
  }
  await tx`select set_config(${AUDIT_MAINTENANCE_SETTING}, '', true)`;
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * Erases a tenant completely, in one transaction: every row it owns in every tenant and workspace table of the
 * config (your tables and the foundation's, the tenant row last), whatever its status. Returns the deleted rows per
 * table. What remains is one `tenant.erased` row in the platform audit log: the tenant id, who, when, the counts.
 * Unknown tenant: `TENANT_NOT_FOUND`.
 * @example
 * const counts = await eraseTenant({ sql, config, tenantId, actorId: operatorId });
 * // { 'public.projects': 12, 'tenancy.audit_log': 40, 'tenancy.tenants': 1, ... }
 * @see https://github.com/tenancy/tenancy/blob/main/docs/gdpr.md#erase-a-tenant
 */
export async function eraseTenant(options: EraseTenantOptions): Promise<ErasureCounts> {
  const data = parseInput(schema, { tenantId: options.tenantId, actorId: options.actorId }, 'eraseTenant');
  const config = options.config ?? defaultFoundationConfig();
  try {
    return await withPlatformTransaction(
      options.sql,
      config,
      { tenantId: data.tenantId, actorId: data.actorId },
      async (tx) => {
        if (config.foundation) {
          const s = tx(config.helperSchema);
          const [tenant] = await tx`select id from ${s}.tenants where id = ${data.tenantId} for update`;
          if (tenant === undefined) throw new TenancyError('TENANT_NOT_FOUND', 'No tenant with this id.');
        }
        const counts = await eraseTenantRows(tx, config, data.tenantId, options);
        if (config.foundation) {
          await tx`insert into ${tx(config.helperSchema)}.platform_audit_log (subject_tenant_id, actor_id, action, data)
            values (${data.tenantId}, ${data.actorId ?? null}, 'tenant.erased', ${jsonText({ rows: counts })}::text::jsonb)`;
        }
        await notifyTenantChanged(tx, data.tenantId, options.channel ?? TENANT_INVALIDATION_CHANNEL);
        return counts;
      },
    );
  } catch (error) {
    throw toTenancyError(error, 'eraseTenant');
  }
}
