import type postgres from 'postgres';
import type { ResolvedTenancyConfig } from '../config/index.js';
import { generateSql } from '../generate/index.js';
import type { StateChange } from './drift/compare-state.js';
import { compareStates } from './drift/compare-state.js';
import { simulate } from './drift/compute-drift.js';

/** One change `tenancy apply` would make. */
export type DiffChange = StateChange;

/**
 * What `tenancy apply` would change on the live database: objects added, changed and removed.
 * @see https://github.com/tenancy/tenancy/blob/main/docs/linter.md#tenancy-diff
 */
export interface DiffReport {
  /** Ordered by kind (roles, schema, functions, tables, indexes, defaults, RLS, grants, triggers, policies), then object. */
  changes: DiffChange[];
  added: number;
  changed: number;
  removed: number;
}

/** Options for {@link diffDatabase}. */
export interface DiffDatabaseOptions {
  /** A connection as the role that runs `tenancy apply`: the generated SQL runs (and is rolled back) as that role. */
  sql: postgres.Sql;
  config: ResolvedTenancyConfig;
  /** The SQL `tenancy apply` would run; default: `generateSql(config)`. */
  script?: string | undefined;
  /** How long to wait for a lock (PostgreSQL interval), default `'5s'`. */
  lockTimeout?: string | undefined;
}

/**
 * Runs the generated SQL in a transaction that is rolled back and reports what it changed: exactly what
 * `tenancy apply` would do now. Takes the locks the DDL takes until the rollback (bounded by `lockTimeout`).
 * @example
 * const diff = await diffDatabase({ sql, config });
 * console.log(formatDiff(diff, 'text'));
 * @see https://github.com/tenancy/tenancy/blob/main/docs/linter.md#tenancy-diff
 */
export async function diffDatabase(options: DiffDatabaseOptions): Promise<DiffReport> {
  const { sql, config } = options;
  const { live, applied } = await simulate(
    {
      sql,
      config,
      script: options.script ?? generateSql(config, { transaction: false }),
      lockTimeout: options.lockTimeout,
    },
    { applied: true, expected: false },
  );
  const changes = compareStates(live, applied ?? []);
  return {
    changes,
    added: changes.filter((c) => c.action === 'add').length,
    changed: changes.filter((c) => c.action === 'change').length,
    removed: changes.filter((c) => c.action === 'remove').length,
  };
}
