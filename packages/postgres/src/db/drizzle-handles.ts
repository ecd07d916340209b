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
  session: object;
  _: Record<string, unknown>;
  query: Record<string, object>;
}

/** A Drizzle prepared query built once by `TenantDb.prepare()`, executed inside any unit of work. */
export interface TenantPreparedQuery<TResult, TValues extends Record<string, unknown> = Record<string, unknown>> {
  /**
   * Runs the prepared query in the unit of work `db` belongs to. Returned unawaited from the callback, it travels
   * with BEGIN and COMMIT like any query.
   */
  execute(db: object, values?: TValues): PromiseLike<TResult>;
}

/** The per-unit handles of one Drizzle instance, and prepared queries that run in any of them. */
export interface DrizzleHandles<TSchema extends Record<string, unknown>> {
  handleFor(unit: UnitOfWork): TenantDatabase<TSchema>;
  prepare<TPrepared extends { execute(values?: never): Promise<unknown> }>(
    build: (db: TenantDatabase<TSchema>) => TPrepared,
  ): TenantPreparedQuery<Awaited<ReturnType<TPrepared['execute']>>>;
}

/**
 * Builds one Drizzle instance over `client` and per-unit views of it. A view costs two small objects: the dialect,
 * the schema's relational config and the query builders are shared; only the session's client differs, and it
 * sends every statement to the unit's connection.
 */
export function createDrizzleHandles<TSchema extends Record<string, unknown>>(
  client: postgres.Sql,
  options: DrizzleHandleOptions<TSchema>,
): DrizzleHandles<TSchema> {
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

  // What differs per view is its own `session`; `_` and the relational builders follow it, made on first use.
  const viewPrototype = Object.create(shared, {
    _: {
      get(this: View) {
        this.underscore ??= { ...shared._, session: this.session };
        return this.underscore;
      },
    },
    query: {
      get(this: View) {
        this.relational ??= Object.fromEntries(
          Object.entries(shared.query).map(([name, builder]) => [
            name,
            Object.create(builder, { session: { value: this.session } }),
          ]),
        );
        return this.relational;
      },
    },
    $client: { value: undefined },
  }) as object;

  const viewOver = (sessionClient: SessionClient): View => {
    const session = Object.create(sharedSession) as { client: SessionClient };
    session.client = sessionClient;
    const view = Object.create(viewPrototype) as View;
    view.session = session;
    return view;
  };

  // Prepared queries are built once on a view whose client sends to whichever unit is running one right now:
  // Drizzle calls the client synchronously inside `execute()`, so a variable set around that call is exact.
  let current: UnitOfWork | undefined;
  const routing: SessionClient = {
    options: client.options,
    unsafe: (text, params) => {
      if (current === undefined) return refuse();
      return current.unsafe(text, params);
    },
    begin: refuse,
    savepoint: refuse,
  };
  const routingView = viewOver(routing) as unknown as TenantDatabase<TSchema>;

  return {
    handleFor(unit) {
      const view = viewOver(new UnitSessionClient(unit, client.options));
      view[UNIT] = unit;
      return view as unknown as TenantDatabase<TSchema>;
    },
    prepare(build) {
      const prepared = build(routingView);
      return {
        execute(db, values) {
          const unit = (db as Partial<View>)[UNIT];
          if (unit === undefined) return refuse();
          return new PreparedRun(() => {
            current = unit;
            try {
              return prepared.execute(values as never);
            } finally {
              current = undefined;
            }
          });
        },
      } as TenantPreparedQuery<Awaited<ReturnType<(typeof prepared)['execute']>>>;
    },
  };
}

const UNIT = Symbol('tenancy.unit');

interface View {
  [UNIT]?: UnitOfWork;
  session: { client: SessionClient };
  underscore?: Record<string, unknown>;
  relational?: Record<string, object>;
}

/** The client of one unit's Drizzle session: statements go to the unit's connection. */
class UnitSessionClient implements SessionClient {
  constructor(
    private readonly unit: UnitOfWork,
    readonly options: postgres.Sql['options'],
  ) {}
  unsafe(text: string, params?: readonly unknown[]): unknown {
    return this.unit.unsafe(text, params);
  }
  // Drizzle's `db.transaction()` calls `begin` on the session's client, nested ones `savepoint`: inside a unit of
  // work both are savepoints of the unit's transaction.
  begin(fn: (client: SessionClient) => unknown): Promise<unknown> {
    return this.unit.savepoint(() => fn(this));
  }
  savepoint(fn: (client: SessionClient) => unknown): Promise<unknown> {
    return this.unit.savepoint(() => fn(this));
  }
}

/** One execution of a prepared query: lazy like a Drizzle query (started by `then`), and one statement. */
class PreparedRun<T> implements PromiseLike<T> {
  private started: Promise<T> | undefined;
  constructor(private readonly start: () => Promise<T>) {}
  // biome-ignore lint/suspicious/noThenProperty: a lazy thenable on purpose, like Drizzle's own queries
  then<A = T, B = never>(
    onFulfilled?: ((value: T) => A | PromiseLike<A>) | null,
    onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    this.started ??= this.start();
    return this.started.then(onFulfilled, onRejected);
  }
}

/**
 * Drizzle queries are lazy and send exactly one statement when started by `then`: the QueryPromise subclasses,
 * selects (QueryPromise mixed in, so not on their prototype chain) and `$count()`. postgres.js queries are lazy
 * until executed.
 */
export const classifyDrizzleReturned: ClassifyReturned = (value, unit) => {
  if (value instanceof PreparedRun) return 'lazy';
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
