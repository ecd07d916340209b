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
import { configuredTenantTables, tableKey } from './tenant-tables.js';

/** A column of one of your tenant tables that holds a user id, and what erasing that user does to the row. */
export interface PersonalDataColumn {
  /** `schema.table` or `table` (then the first of the config's `schemas`); must be a tenant or workspace table. */
  table: string;
  /** The column holding the user id. */
  column: string;
  /** `delete` the row (the user's own content), or `anonymize`: set the column to null (shared content they touched). */
  action: 'delete' | 'anonymize';
}

/** Options for {@link eraseUserData}. */
export interface EraseUserDataOptions {
  /** A postgres.js client connected as the login role, which must be granted the platform role. */
  sql: postgres.Sql;
  /** The resolved config (`foundation: true`). Default: the defaults with `foundation: true`. */
  config?: ResolvedTenancyConfig | undefined;
  tenantId: string;
  userId: string;
  /** Who erases, for the audit log. */
  actorId?: string | null | undefined;
  /** Your own tables' user columns; the foundation tables are always handled. */
  personalData?: readonly PersonalDataColumn[] | undefined;
  /**
   * Delete the global user row too when the user is left with no membership in any tenant (default false: the user
   * row is the platform's identity, and another system may still hold the person as a customer).
   */
  deleteUserIfOrphaned?: boolean | undefined;
  /** The NOTIFY channel the tenant stores listen on. Default `tenancy_invalidate`. */
  channel?: string | undefined;
}

/** What {@link eraseUserData} did, per `schema.table`: rows deleted and rows anonymized. */
export interface UserErasureCounts {
  deleted: Record<string, number>;
  anonymized: Record<string, number>;
}

const schema = z.object({ tenantId: uuidSchema, userId: uuidSchema, actorId: uuidSchema.nullable().optional() });
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$]{0,62}$/;

/**
 * Erases one user's personal data within one tenant, in one transaction:
 * - deleted: the membership and workspace memberships (the user's roles there), invitations sent to the user's
 *   address or accepted by them, and rows of your `personalData` tables marked `delete`;
 * - anonymized (kept, because they record what happened to the tenant, not who the user is): audit rows the user
 *   acted in (`actor_id` set to null), audit rows about the user (target id and the `email`, `userId`, `ownerId`
 *   keys of `data` removed), invitations the user sent (`invited_by` null), and `personalData` columns marked
 *   `anonymize`;
 * - untouched: the global user row (unless `deleteUserIfOrphaned` and no membership is left) and other tenants.
 * The erasure itself is audited as `member.erased` without naming the user. The last owner can be erased: the law
 * wins over the owner rule, so check ownership before calling if the tenant must keep an owner.
 * @example
 * const counts = await eraseUserData({ sql, config, tenantId, userId, actorId: dpoId,
 *   personalData: [{ table: 'comments', column: 'author_id', action: 'anonymize' }] });
 * @see https://github.com/tenancy/tenancy/blob/main/docs/gdpr.md#erase-a-user
 */
export async function eraseUserData(options: EraseUserDataOptions): Promise<UserErasureCounts> {
  const data = parseInput(
    schema,
    { tenantId: options.tenantId, userId: options.userId, actorId: options.actorId },
    'eraseUserData',
  );
  const config = options.config ?? defaultFoundationConfig();
  if (!config.foundation) {
    throw new TenancyError('INVALID_CONFIG', 'eraseUserData works on the foundation schema: set foundation: true.', {
      details: { path: ['foundation'] },
    });
  }
  const personal = resolvePersonalData(config, options.personalData ?? []);
  try {
    return await withPlatformTransaction(
      options.sql,
      config,
      { tenantId: data.tenantId, actorId: data.actorId },
      async (tx) => {
        const s = tx(config.helperSchema);
        const [tenant] = await tx`select id from ${s}.tenants where id = ${data.tenantId} for update`;
        if (tenant === undefined) throw new TenancyError('TENANT_NOT_FOUND', 'No tenant with this id.');
        const [user] = await tx<Array<{ email: string }>>`select email from ${s}.users where id = ${data.userId}`;
        const email = user?.email ?? null;
        const deleted: Record<string, number> = {};
        const anonymized: Record<string, number> = {};
        const add = (into: Record<string, number>, key: string, n: number) => {
          into[key] = (into[key] ?? 0) + n;
        };
        const key = (name: string) => `${config.helperSchema}.${name}`;

        for (const column of personal) {
          const target = tx`${tx(column.schema)}.${tx(column.name)}`;
          const where = tx`${tx(column.tenantColumn)} = ${data.tenantId} and ${tx(column.column)} = ${data.userId}`;
          if (column.action === 'delete') {
            add(deleted, tableKey(column), (await tx`delete from ${target} where ${where}`).count);
          } else {
            add(
              anonymized,
              tableKey(column),
              (await tx`update ${target} set ${tx(column.column)} = null where ${where}`).count,
            );
          }
        }

        add(
          deleted,
          key('workspace_memberships'),
          (
            await tx`delete from ${s}.workspace_memberships where tenant_id = ${data.tenantId} and user_id = ${data.userId}`
          ).count,
        );
        add(
          deleted,
          key('memberships'),
          (await tx`delete from ${s}.memberships where tenant_id = ${data.tenantId} and user_id = ${data.userId}`)
            .count,
        );
        add(
          deleted,
          key('invitations'),
          (
            await tx`delete from ${s}.invitations where tenant_id = ${data.tenantId}
              and (accepted_by = ${data.userId} or email = ${email})`
          ).count,
        );
        add(
          anonymized,
          key('invitations'),
          (
            await tx`update ${s}.invitations set invited_by = null
              where tenant_id = ${data.tenantId} and invited_by = ${data.userId}`
          ).count,
        );

        await tx`select set_config(${AUDIT_MAINTENANCE_SETTING}, ${data.tenantId}, true)`;
        // One pass over the tenant's audit rows that mention the user anywhere: as actor, as target, inside data.
        const audit = await tx`
          update ${s}.audit_log set
            actor_id = case when actor_id = ${data.userId} then null else actor_id end,
            target_id = case when target_id = ${data.userId} then null else target_id end,
            data = case
              when data ->> 'email' = ${email} or data ->> 'userId' = ${data.userId} or data ->> 'ownerId' = ${data.userId}
                then data - 'email' - 'userId' - 'ownerId'
              else data end
          where tenant_id = ${data.tenantId} and (
            actor_id = ${data.userId} or target_id = ${data.userId}
            or data ->> 'email' = ${email} or data ->> 'userId' = ${data.userId} or data ->> 'ownerId' = ${data.userId})`;
        add(anonymized, key('audit_log'), audit.count);
        await tx`select set_config(${AUDIT_MAINTENANCE_SETTING}, '', true)`;

        if (options.deleteUserIfOrphaned === true) {
          const gone = await tx`delete from ${s}.users u where u.id = ${data.userId}
            and not exists (select 1 from ${s}.memberships m where m.user_id = u.id)`;
          add(deleted, key('users'), gone.count);
        }

        await tx`insert into ${s}.audit_log (tenant_id, actor_id, action, target_type, data)
          values (${data.tenantId}, ${data.actorId ?? null}, 'member.erased', 'user', ${jsonText({ deleted, anonymized })}::text::jsonb)`;
        await notifyTenantChanged(tx, data.tenantId, options.channel ?? TENANT_INVALIDATION_CHANNEL);
        return { deleted, anonymized };
      },
    );
  } catch (error) {
    throw toTenancyError(error, 'eraseUserData');
  }
}

interface ResolvedPersonalColumn {
  schema: string;
  name: string;
  tenantColumn: string;
  column: string;
  action: 'delete' | 'anonymize';
}

function resolvePersonalData(
  config: ResolvedTenancyConfig,
  columns: readonly PersonalDataColumn[],
): ResolvedPersonalColumn[] {
  const tables = new Map(configuredTenantTables(config).map((t) => [tableKey(t), t]));
  return columns.map((entry, index) => {
    const qualified = entry.table.includes('.')
      ? entry.table
      : `${config.schemas.find((s) => s !== config.helperSchema) ?? 'public'}.${entry.table}`;
    const table = tables.get(qualified);
    if (table === undefined || table.schema === config.helperSchema) {
      throw new TenancyError(
        'INVALID_CONFIG',
        `personalData[${index}]: "${entry.table}" is not one of your tenant tables.`,
        {
          details: { path: ['personalData', index, 'table'] },
        },
      );
    }
    if (!IDENTIFIER.test(entry.column) || (entry.action !== 'delete' && entry.action !== 'anonymize')) {
      throw new TenancyError(
        'INVALID_CONFIG',
        `personalData[${index}]: give a column name and "delete" or "anonymize".`,
        {
          details: { path: ['personalData', index] },
        },
      );
    }
    return { ...table, column: entry.column, action: entry.action };
  });
}
