import type postgres from 'postgres';
import type { ResolvedTenancyConfig } from '../../config/index.js';
import type { StateChange } from './compare-state.js';
import { compareStates } from './compare-state.js';
import type { StateItem } from './read-state.js';
import { managedTableNames, readState } from './read-state.js';
import { withoutTransactionControl } from './split-sql.js';

/** The outcome of comparing the live database with the generated SQL. */
export type DriftResult = { ok: true; changes: StateChange[] } | { ok: false; error: string };

/** Options shared by the drift check and `tenancy diff`. */
export interface SimulateOptions {
  sql: postgres.Sql;
  config: ResolvedTenancyConfig;
  /** The SQL `tenancy apply` would run. */
  script: string;
  /**
   * How long the simulation waits for a lock before giving up (PostgreSQL interval syntax), default `'5s'`. The
   * simulated DDL takes the same ACCESS EXCLUSIVE locks a real apply takes, until the rollback.
   */
  lockTimeout?: string | undefined;
}

/** The states a simulation read: live, after the script, and after the script on a cleared slate. */
interface SimulatedStates {
  live: StateItem[];
  applied?: StateItem[] | undefined;
  expected?: StateItem[] | undefined;
}

// Thrown from inside a transaction or savepoint to roll it back while carrying the value out. It must be thrown
// inside the callback: a callback that returns normally commits (or releases the savepoint).
class Rollback<T> extends Error {
  constructor(readonly value: T) {
    super('rollback');
  }
}

async function rollbackWith<S, T>(
  open: (callback: (scope: S) => Promise<never>) => Promise<unknown>,
  body: (scope: S) => Promise<T>,
): Promise<T> {
  try {
    await open(async (scope) => {
      throw new Rollback(await body(scope));
    });
  } catch (e) {
    if (e instanceof Rollback) return e.value as T;
    throw e;
  }
  throw new Error('unreachable: the transaction callback always throws');
}

/**
 * Runs the script inside a transaction that is always rolled back, reading the managed state before and after.
 * `applied` is the state after running the script on the database as it is (what `tenancy apply` would leave);
 * `expected` is the state after first clearing what the script owns (policies for the tenancy roles or PUBLIC,
 * their table privileges, tenancy triggers) and then running the script: what a database built only from the
 * generated SQL looks like. Extra policies or grants survive an apply, so only `expected` reveals them.
 */
export async function simulate(
  options: SimulateOptions,
  want: { applied: boolean; expected: boolean },
): Promise<SimulatedStates> {
  const { sql, config } = options;
  const body = withoutTransactionControl(options.script);
  return rollbackWith(
    (callback: (tx: postgres.TransactionSql) => Promise<never>) => sql.begin(callback),
    async (tx) => {
      // Fail fast instead of queueing behind application traffic while holding locks of our own.
      await tx`select pg_catalog.set_config('lock_timeout', ${options.lockTimeout ?? '5s'}, true)`;
      await tx`select pg_catalog.set_config('client_min_messages', 'warning', true)`;
      const live = await readState(tx, config);
      const out: SimulatedStates = { live };
      if (want.applied) {
        out.applied = await rollbackWith(
          (callback: (sp: postgres.TransactionSql) => Promise<never>) => tx.savepoint(callback),
          async (sp) => {
            await sp.unsafe(body);
            return readState(sp, config);
          },
        );
      }
      if (want.expected) {
        out.expected = await rollbackWith(
          (callback: (sp: postgres.TransactionSql) => Promise<never>) => tx.savepoint(callback),
          async (sp) => {
            await clearManaged(sp, config);
            await sp.unsafe(body);
            return readState(sp, config);
          },
        );
      }
      return out;
    },
  );
}

async function clearManaged(sql: postgres.TransactionSql, config: ResolvedTenancyConfig): Promise<void> {
  const { app, platform } = config.roles;
  const tables = managedTableNames(config);
  const statements = await sql<{ statement: string }[]>`
    with targets as (
      select c.oid, n.nspname as schemaname, c.relname as tablename
      from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      where c.relkind in ('r', 'p') and (n.nspname || '.' || c.relname = any (${tables}::text[]) or n.nspname = ${config.helperSchema})
    ),
    roles as (select rolname from pg_catalog.pg_roles where rolname in (${app}, ${platform}))
    select format('drop policy %I on %I.%I', p.polname, t.schemaname, t.tablename) as statement
    from pg_catalog.pg_policy p join targets t on t.oid = p.polrelid
    where p.polname like 'tenancy\\_%'
      or exists (
        select 1 from unnest(p.polroles) r
        where r = 0 or pg_catalog.pg_get_userbyid(r) in (select rolname from roles)
      )
    union all
    select format('revoke all on table %I.%I from %s', t.schemaname, t.tablename,
      (select string_agg(format('%I', rolname), ', ') from (select rolname from roles union all select 'public') x))
    from targets t
    union all
    select format('drop trigger %I on %I.%I', tg.tgname, t.schemaname, t.tablename)
    from pg_catalog.pg_trigger tg join targets t on t.oid = tg.tgrelid
    join pg_catalog.pg_proc p on p.oid = tg.tgfoid join pg_catalog.pg_namespace pn on pn.oid = p.pronamespace
    where not tg.tgisinternal and (tg.tgname like 'tenancy\\_%' or pn.nspname = ${config.helperSchema})`;
  for (const s of statements) await sql.unsafe(s.statement);
}

/**
 * Compares the live database with what the generated SQL defines, reading both inside a rolled-back transaction.
 * Reports `add` for what is missing, `change` for what differs, `remove` for a policy or grant the generated SQL
 * would not create. Role memberships are left out: which login may SET ROLE is a deployment matter, not drift.
 */
export async function computeDrift(options: SimulateOptions): Promise<DriftResult> {
  try {
    const { live, expected } = await simulate(options, { applied: false, expected: true });
    const relevant = (items: StateItem[]) => items.filter((i) => i.kind !== 'membership' && i.managed);
    return { ok: true, changes: compareStates(relevant(live), relevant(expected ?? [])) };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}
