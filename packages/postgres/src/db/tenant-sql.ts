import type postgres from 'postgres';
import { isPostgresQuery } from './postgres-internals.js';
import type { ClassifyReturned, UnitOfWork } from './unit-of-work.js';
import type { UnitResult } from './unit-options.js';

/**
 * The postgres.js handle a raw unit of work hands to its callback: tagged templates, `unsafe`, helpers and
 * savepoints, all bound to the unit's transaction. It stops working when the unit ends; there is no `begin`,
 * `reserve`, `listen` or `end` on it.
 * @see https://github.com/tenancy/tenancy/blob/main/docs/drizzle.md#raw-postgresjs
 */
// biome-ignore lint/complexity/noBannedTypes: `{}` is postgres.js's own default for "no custom types"
export interface TenantSql<TTypes extends Record<string, unknown> = {}> extends postgres.ISql<TTypes> {
  /** Runs `fn` in a savepoint: rolled back to when it throws (and the error rethrown), released otherwise. */
  savepoint<T>(fn: (sql: TenantSql<TTypes>) => T): Promise<UnitResult<T>>;
}

const NOTIFY = Object.assign(['select pg_notify(', ', ', ')'], { raw: ['select pg_notify(', ', ', ')'] });

/** Builds the raw handle for `unit`. */
export function createTenantSql<TTypes extends Record<string, unknown>>(unit: UnitOfWork): TenantSql<TTypes> {
  const helpers = unit.helpers;
  // Built for every unit: properties assigned one by one, in one order, keep the function's shape shared and cheap,
  // where Object.assign copies through its generic path.
  const handle = ((first: unknown, ...rest: unknown[]) => unit.tagged(first, rest)) as unknown as RawHandle;
  handle.unsafe = (text: string, params?: readonly unknown[]) => unit.unsafe(text, params);
  handle.typed = helpers.typed;
  handle.types = helpers.types;
  handle.array = helpers.array;
  handle.json = helpers.json;
  // postgres.js's own `notify` and `file` would run on the pool, outside the transaction: rebuilt on the unit.
  handle.notify = (channel: string, payload: string) => unit.tagged(NOTIFY, [channel, String(payload)]);
  handle.file = refuseFile;
  handle.savepoint = (fn: (sql: never) => unknown): Promise<unknown> => unit.savepoint(() => fn(handle as never));
  return handle as unknown as TenantSql<TTypes>;
}

interface RawHandle {
  unsafe: unknown;
  typed: unknown;
  types: unknown;
  array: unknown;
  json: unknown;
  notify: unknown;
  file: unknown;
  savepoint: unknown;
}

function refuseFile(): never {
  throw new TypeError('sql.file() is not available inside a unit of work; read the file and use sql.unsafe().');
}

/**
 * Returned postgres.js queries: not started yet (lazy, pipelined with COMMIT) or already sent (issued). A query
 * built on another client (the outer, unscoped `sql` by mistake) is foreign: refused before it is ever sent.
 */
export const classifyRawReturned: ClassifyReturned = (value, unit) => {
  if (isPostgresQuery(value)) {
    if (!unit.owns(value)) return 'foreign';
    return value.executed ? 'issued' : 'lazy';
  }
  return 'promise';
};
