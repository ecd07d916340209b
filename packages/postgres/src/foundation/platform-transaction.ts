import type postgres from 'postgres';
import type { ResolvedTenancyConfig } from '../config/config-types.js';
import { resolveConfig } from '../config/resolve-config.js';

/** The parts of the resolved config the platform path needs: where the foundation lives and whom to act as. */
export type PlatformConfig = Pick<ResolvedTenancyConfig, 'helperSchema' | 'roles' | 'settings'>;

/** Options of one platform transaction. */
export interface PlatformTransactionOptions {
  /** Exposed as the tenant setting, so column defaults and triggers see the tenant being worked on. */
  tenantId?: string | null | undefined;
  /** Exposed as the user setting: who acts (audit rows default their actor to it). */
  actorId?: string | null | undefined;
  /** `true` opens the transaction read only (store lookups, exports). */
  readOnly?: boolean | undefined;
  /** `repeatable read` gives one snapshot for a whole export. */
  isolation?: 'read committed' | 'repeatable read' | undefined;
}

/**
 * The config every foundation function falls back to when none is given: the defaults with `foundation: true`.
 */
export function defaultFoundationConfig(): ResolvedTenancyConfig {
  return resolveConfig({ foundation: true });
}

/**
 * The first statement of every platform transaction: switch to the platform role and set the context settings, in
 * one statement, all transaction-local (they end with the transaction, whatever the pool does with the connection).
 */
export function enterPlatform(
  tx: postgres.TransactionSql | postgres.Sql,
  config: PlatformConfig,
  options: PlatformTransactionOptions,
): postgres.PendingQuery<postgres.Row[]> {
  return tx`select set_config('role', ${config.roles.platform}, true),
    set_config(${config.settings.tenantId}, ${options.tenantId ?? ''}, true),
    set_config(${config.settings.userId}, ${options.actorId ?? ''}, true),
    set_config(${config.settings.workspaceId}, '', true)`;
}

/**
 * Runs `fn` in one transaction as the platform role: the audited path for work that spans tenants or happens before
 * a tenant is known. Never the login role (RLS is forced, it sees nothing) and never the app role without a tenant.
 * @example
 * const count = await withPlatformTransaction(sql, config, { readOnly: true }, (tx) => tx`select count(*) from tenancy.tenants`);
 * @see https://github.com/tenancy/tenancy/blob/main/docs/foundation.md#roles-the-runtime-needs
 */
export async function withPlatformTransaction<T>(
  sql: postgres.Sql,
  config: PlatformConfig,
  options: PlatformTransactionOptions,
  fn: (tx: postgres.TransactionSql) => Promise<T>,
): Promise<T> {
  const mode = [
    options.isolation === undefined ? '' : `isolation level ${options.isolation}`,
    options.readOnly === true ? 'read only' : '',
  ]
    .filter((part) => part !== '')
    .join(' ');
  const body = async (tx: postgres.TransactionSql): Promise<T> => {
    await enterPlatform(tx, config, options);
    return fn(tx);
  };
  // postgres.js types `begin` as unwrapping arrays of promises; `fn` returns one value, which is what comes back.
  return (mode === '' ? sql.begin(body) : sql.begin(mode, body)) as Promise<T>;
}
