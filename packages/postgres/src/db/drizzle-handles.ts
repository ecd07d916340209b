import { TenancyError } from '@tenancy/core';
import type { Logger } from 'drizzle-orm';
import { entityKind, is, QueryPromise } from 'drizzle-orm';
import { PgSelectBase } from 'drizzle-orm/pg-core';
import type { PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import { drizzle } from 'drizzle-orm/postgres-js';
import type postgres from 'postgres';
import { isPostgresQuery } from './postgres-internals.js';
import type { ClassifyReturned, UnitOfWork } from './unit-of-work.js';

/**
 * The Drizzle database a unit of work hands to its callback. Everything Drizzle offers, bound to the unit's
 * transaction; `db.transaction()` opens a savepoint. It stops working when the unit ends.
 * @see https://github.com/tenancy/tenancy/blob/main/docs/drizzle.md
 */
export type TenantDatabase<TSchema extends Record<string, unknown> = Record<string, never>> =
  PostgresJsDatabase<TSchema>;

/** Drizzle options passed through to the one Drizzle instance behind every handle. */
export interface DrizzleHandleOptions<TSchema extends Record<string, unknown>> {
  schema?: TSchema | undefined;
  logger?: boolean | Logger | undefined;
  casing?: 'snake_case' | 'camelCase' | undefined;
}

/** What Drizzle's postgres-js session calls on its client. */
interface SessionClient {
  readonly options: postgres.Sql['options'];
  unsafe(text: string, params?: readonly unknown[], options?: postgres.UnsafeQueryOptions): unknown;
  begin(fn: (client: SessionClient) => unknown): Promise<unknown>;
  savepoint(fn: (client: SessionClient) => unknown): Promise<unknown>;
}

interface DrizzleInternals {
  session: { client: SessionClient };
  _: Record<string, unknown>;
  query: Record<string, object>;
}

/**
 * Builds one Drizzle instance over `client` and returns a factory of per-unit views of it. A view costs a few
 * object allocations: the dialect, the schema's relational config and the query builders are shared; only the
 * session's client differs, and it routes every statement to the unit's reserved connection.
 */
export function createDrizzleHandles<TSchema extends Record<string, unknown>>(
  client: postgres.Sql,
  options: DrizzleHandleOptions<TSchema>,
): (unit: UnitOfWork) => TenantDatabase<TSchema> {
  // The shared instance is never used directly: its own client refuses everything, so there is no unscoped path.
  const refuse = (): never => {
    throw new TenancyError('TENANT_REQUIRED', 'Use the database handle given to withTenant(), run() or asPlatform().');
  };
  // `options` is the real client's: Drizzle sets its date parsers there, exactly as `drizzle(client)` would.
  const facade: SessionClient = { options: client.options, unsafe: refuse, begin: refuse, savepoint: refuse };
  const config = {
    client: facade as unknown as postgres.Sql,
    ...(options.schema === undefined ? {} : { schema: options.schema }),
    ...(options.logger === undefined ? {} : { logger: options.logger }),
    ...(options.casing === undefined ? {} : { casing: options.casing }),
  };
  const shared = drizzle<TSchema>(config) as unknown as DrizzleInternals;
  const sharedSession = shared.session;

  return (unit) => {
    const unitClient: SessionClient = {
      options: client.options,
      unsafe: (text, params) => unit.unsafe(text, params),
      // Drizzle's `db.transaction()` calls `begin` on the session's client, nested ones `savepoint`: inside a unit
      // of work both are savepoints of the unit's transaction.
      begin: (fn) => unit.savepoint(() => fn(unitClient)),
      savepoint: (fn) => unit.savepoint(() => fn(unitClient)),
    };
    const session = Object.create(sharedSession, { client: { value: unitClient } }) as object;
    let query: Record<string, object> | undefined;
    let underscore: Record<string, unknown> | undefined;
    return Object.create(shared, {
      session: { value: session },
      _: { get: () => (underscore ??= { ...shared._, session }) },
      // Relational query builders hold their session: per unit, made on first use.
      query: {
        get: () =>
          (query ??= Object.fromEntries(
            Object.entries(shared.query).map(([name, builder]) => [
              name,
              Object.create(builder, { session: { value: session } }),
            ]),
          )),
      },
      $client: { value: undefined },
    }) as TenantDatabase<TSchema>;
  };
}

/**
 * Drizzle queries are lazy and send exactly one statement when started by `then`: the QueryPromise subclasses,
 * selects (QueryPromise mixed in, so not on their prototype chain) and `$count()`. postgres.js queries are lazy
 * until executed.
 */
export const classifyDrizzleReturned: ClassifyReturned = (value, unit) => {
  if (is(value, QueryPromise) || is(value, PgSelectBase) || kindOf(value) === 'PgCountBuilder') return 'lazy';
  if (isPostgresQuery(value)) {
    if (!unit.owns(value)) return 'foreign';
    return value.executed ? 'issued' : 'lazy';
  }
  return 'promise';
};

function kindOf(value: unknown): unknown {
  const ctor = (value as { constructor?: { [entityKind]?: unknown } } | null)?.constructor;
  return ctor?.[entityKind];
}
