import { TenancyError } from '@tenancy/core';
import type postgres from 'postgres';
import type { Lane, LaneUnit } from './lane.js';
import { lanePoolOf } from './lane.js';
import type { InternalQuery } from './postgres-internals.js';
import { cancelBackendOf, isPostgresQuery } from './postgres-internals.js';
import type { RuntimeConfig, SettingValues } from './runtime-config.js';

/** How a value returned by a unit-of-work callback is finished. */
export type ReturnedKind =
  /** Not started yet and issues exactly one statement when awaited: a Drizzle query, a postgres.js query. */
  | 'lazy'
  /** A postgres.js query of this unit that is already on its way to the server. */
  | 'issued'
  /** Other async work: it may still issue statements, so COMMIT must wait for it. */
  | 'promise'
  /** A query built on some other client: refused unstarted, it would run outside the unit's transaction. */
  | 'foreign'
  /** A plain value. */
  | 'value';

/** Tells how to finish a value the callback returned; the Drizzle and the raw handles each know their queries. */
export type ClassifyReturned = (value: unknown, unit: UnitOfWork) => ReturnedKind;

/** Everything one unit of work needs, prepared by `createTenantDb()` / `withTenantSql()`. */
export interface UnitPlan {
  readonly client: postgres.Sql;
  readonly runtime: RuntimeConfig;
  readonly values: SettingValues;
  /** `begin`, or `begin isolation level ... read only` built from validated options; opens the prelude. */
  readonly begin: string;
  /** Send statements as named prepared statements (when the client allows them). */
  readonly prepare: boolean;
  /** May a unit of one statement go out merged with its opening (wire-shim.ts)? Default true. */
  readonly merge?: boolean | undefined;
  readonly signal?: AbortSignal | undefined;
}

type State = 'open' | 'closing' | 'done';
type Kind = 'user' | 'internal';

// Per-query bookkeeping lives on the query itself (symbol keys): cheaper than side tables on the hot path.
const OWNER = Symbol('tenancy.unit');
const INTERNAL = Symbol('tenancy.internal');
type OwnedQuery = InternalQuery & { [OWNER]?: UnitOfWork; [INTERNAL]?: boolean };

// Statements that end or escape the transaction the unit of work depends on. Checked before a statement is sent;
// savepoints (`rollback to savepoint`) stay allowed because `db.transaction()` inside a unit of work uses them.
const TRANSACTION_CONTROL =
  /^(?:\s+|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)*(?:begin|start|commit|end|abort|rollback(?!\s+to\b)|prepare\s+transaction|discard|reset\s+(?:role|session|all)|set\s+(?:(?:session|local)\s+)?(?:role|session\s+authorization))\b/i;
// The command tags of statements that ended or opened a transaction: a multi-statement string can hide them from
// the check above, never from the server's answer.
const TRANSACTION_TAGS = new Set(['BEGIN', 'START TRANSACTION', 'COMMIT', 'PREPARE TRANSACTION', 'DISCARD ALL']);

const CANCEL_WAIT_MS = 2_000;
const ENDED_IN_ERROR: { readonly command: unknown } = { command: undefined };
const CLEANUP_WAIT_MS = 10_000;

/**
 * One unit of work, one transaction: the opening message (`begin` and the context: tenant, user, workspace, role),
 * the callback's statements, then `commit` or `rollback`.
 *
 * Where it runs: on a lane (lane.ts), a pooled connection held by units of work the way postgres.js's own
 * `sql.begin` holds one (not `sql.reserve()`, which loses requests on cold or reconnecting pools,
 * porsager/postgres#751 and #1219). The lane pool places the unit on an idle lane, behind another unit whose COMMIT
 * is written, or on a connection it requests for it; from then on the unit writes its statements straight to the
 * lane, in order, as many per write as the protocol allows.
 *
 * Every statement is a postgres.js query wrapped twice: `handle` (called when the query is started) admits it
 * only while the unit is open, and `handler` (called when it is handed on) sends it only on this unit's lane
 * while the lane still holds its connection. A killed connection is reconnected by the pool for someone else;
 * without the second check a later statement would run there, outside the transaction and without the tenant.
 */
export class UnitOfWork implements LaneUnit {
  private state: State = 'open';
  private dead = false;
  private abandoned = false;
  private lane: Lane | undefined;
  private endWritten = false;
  // Set while a unit whose end failed rolls back again: nothing may join its connection meanwhile.
  private recovering = false;
  // Statements started before the unit has its connection, in order.
  private pendingSend: InternalQuery[] = [];
  private readonly tracked = new Set<InternalQuery>();
  private idleWaiters: Array<() => void> = [];
  private firstError: unknown;
  // The opening message's error. Its statements after a failed `begin` would have run outside any transaction (as
  // the login role, so they fail closed); the unit must not report success then, even if they did not fail.
  private openingError: unknown;
  private poisoned: TenancyError | undefined;
  private abortReason: unknown;
  private abortWaiters: Set<(reason: unknown) => void> | undefined;
  private cancelling: Promise<void> | undefined;
  private pipelining = false;
  private commitAfter: number | undefined;
  private endQuery: InternalQuery | undefined;
  private openingSent = false;
  // The unit returned one statement and nothing else needs the transaction to outlive it: it may go out under one
  // Sync with the opening, as an implicit transaction with no BEGIN or COMMIT (wire-shim.ts).
  private mergeable = false;
  private mergeCandidate: InternalQuery | undefined;
  // Set when the unit went out merged: its statement's Sync ends (commits or rolls back) the transaction.
  private merged = false;
  private savepoints = 0;
  // A statement of the callback was withdrawn by cancel() before it started: returned statements roll back.
  private withdrew = false;
  // How `endQuery` settled, recorded as it settles (track()), so finish() need not wait a turn for it.
  private endOutcome: { readonly command: unknown } | undefined;

  private constructor(private readonly plan: UnitPlan) {}

  /**
   * Starts a unit: asks the pool for a connection. The opening (`begin` and the context) is written right before the
   * unit's first statement, when the unit knows whether it can be merged with that statement (see `send`).
   */
  static open(plan: UnitPlan): UnitOfWork {
    plan.signal?.throwIfAborted();
    const unit = new UnitOfWork(plan);
    unit.requestConnection();
    return unit;
  }

  /**
   * Opens a unit on the plan `makePlan()` builds and runs `fn` with the handle `handleFor` makes for it. Returns the
   * unit's own promise, with no async frame around it; whatever throws before the unit runs (a bad tenant id, no
   * tenant in context, an aborted signal) rejects it, as it would from an async function.
   */
  static run<H>(
    makePlan: () => UnitPlan,
    handleFor: (unit: UnitOfWork) => H,
    fn: (handle: H) => unknown,
    classify: ClassifyReturned,
  ): Promise<unknown> {
    let unit: UnitOfWork;
    try {
      unit = UnitOfWork.open(makePlan());
    } catch (error) {
      return Promise.reject(error);
    }
    return unit.execute(handleFor(unit), fn, classify);
  }

  /** A user statement from SQL text and parameters (what Drizzle's session sends). */
  unsafe(text: string, params: readonly unknown[] | undefined): InternalQuery {
    return this.statement(text, params ?? [], 'user');
  }

  /** A user statement or helper from a tagged template (what the raw handle's `sql\`...\`` does). */
  tagged(strings: unknown, args: unknown[]): unknown {
    const made = (this.plan.client as unknown as (...a: unknown[]) => unknown)(strings, ...args);
    return isPostgresQuery(made) ? this.wrap(made, 'user') : made;
  }

  /** True when `query` was created by this unit. */
  owns(query: InternalQuery): boolean {
    return (query as OwnedQuery)[OWNER] === this;
  }

  /** The client, for helpers that build values without touching a connection (json, array, typed). */
  get helpers(): postgres.Sql {
    return this.plan.client;
  }

  /** Runs `fn` inside a savepoint: released when it settles, rolled back to (and rethrown) when it throws. */
  async savepoint<T>(fn: () => T | Promise<T>): Promise<T> {
    const name = `tenancy_sp_${++this.savepoints}`;
    // Not awaited: the savepoint travels with the first statement of `fn`; if it fails, so does everything after.
    this.unsafe(`savepoint ${name}`, [])
      .execute()
      .catch(() => {});
    let result: T;
    try {
      result = await settle(fn());
    } catch (error) {
      if (this.state === 'open') {
        try {
          await this.unsafe(`rollback to savepoint ${name}`, []);
        } catch {
          // The unit fails with the original error; its end decides what the connection needs.
        }
      }
      throw error;
    }
    await this.unsafe(`release savepoint ${name}`, []);
    return result;
  }

  /** Runs the callback and finishes the unit: pipelined COMMIT when it returned queries, else after its work. */
  async execute<H>(handle: H, fn: (handle: H) => unknown, classify: ClassifyReturned): Promise<unknown> {
    const signal = this.plan.signal;
    const onAbort = signal === undefined ? undefined : () => this.abort(signal.reason);
    if (onAbort !== undefined) signal?.addEventListener('abort', onAbort, { once: true });
    try {
      let out = fn(handle);
      if (isThenable(out)) {
        const kind = classify(out, this);
        if (kind !== 'promise') {
          if (kind === 'foreign') throw foreignQueryError();
          // The common case, one returned statement: `pipelined` without arrays or Promise.allSettled, and, when the
          // unit's end is in by the time the statement settles (always, for a merged unit), not one more await.
          this.startPipeline(1, kind === 'lazy' ? 1 : 0);
          let value: unknown;
          let failed = false;
          let reason: unknown;
          try {
            // Started here and now, like every returned statement (`then` starts a lazy query).
            value = await out.then();
          } catch (error) {
            failed = true;
            reason = error;
          }
          const ending = this.endPipeline(failed, reason);
          if (ending !== undefined) await ending;
          return value;
        }
        out = await this.raceAbort(out);
      }
      if (!Array.isArray(out) || !out.some(isThenable)) {
        this.end('commit');
        await this.finish();
        return out;
      }
      const items = out as unknown[];
      const kinds = items.map((item) => (isThenable(item) ? classify(item, this) : 'value'));
      if (kinds.includes('foreign')) throw foreignQueryError();
      if (kinds.includes('promise')) {
        const values = await this.raceAbort(Promise.all(items));
        this.end('commit');
        await this.finish();
        return values;
      }
      return await this.pipelined(items, kinds);
    } catch (error) {
      await this.fail();
      throw error;
    } finally {
      if (onAbort !== undefined) signal?.removeEventListener('abort', onAbort);
      this.lane?.detach(this);
    }
  }

  // Starts the returned queries in order and sends COMMIT right behind the last one, before any result is back:
  // one round trip for the whole unit once its statements are warm.
  private async pipelined(items: unknown[], kinds: ReturnedKind[]): Promise<unknown[]> {
    let lazy = 0;
    for (const kind of kinds) if (kind === 'lazy') lazy++;
    this.startPipeline(items.length, lazy);
    const started = items.map((item) => (isThenable(item) ? start(item) : item));
    // No race with the abort signal here: an abort cancels the running statement, and these settle right after.
    const settled = await Promise.allSettled(started);
    const rejected = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    await this.endPipeline(rejected !== undefined, rejected?.reason);
    return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value);
  }

  // Before the returned statements start: `lazy` of them will start (each counts `commitAfter` down, and the last
  // one ends the unit; see wrap()), and a unit of one such statement may go out merged with its opening.
  private startPipeline(count: number, lazy: number): void {
    this.pipelining = true;
    this.commitAfter = lazy;
    const plan = this.plan;
    this.mergeable =
      count === 1 &&
      lazy === 1 &&
      !this.openingSent &&
      plan.merge !== false &&
      plan.signal === undefined &&
      plan.begin === 'begin' &&
      plan.prepare &&
      plan.runtime.openingStatement !== undefined;
    // Nothing to wait for: COMMIT now.
    if (lazy === 0) this.end('commit');
  }

  // After the returned statements settled: the unit's end, then the error that matters most, if any. Synchronous
  // (undefined, or a throw) when the end's answer is in and nothing else is in flight, the usual case.
  private endPipeline(failed: boolean, reason: unknown): Promise<void> | undefined {
    // A returned query that never reached this unit (a cache hit, an error before it was sent) leaves no COMMIT.
    if (this.endQuery === undefined) this.end(failed || this.abortReason !== undefined ? 'rollback' : 'commit');
    const committed = this.finishNow();
    if (committed === undefined) {
      return this.finish(false).then((settled) => this.afterPipeline(settled, failed, reason));
    }
    this.afterPipeline(committed, failed, reason);
    return undefined;
  }

  private afterPipeline(committed: boolean, failed: boolean, reason: unknown): void {
    if (!committed && this.abortReason !== undefined) throw this.abortReason;
    // The root cause first: after a failed opening the statements' own errors (25P02, 42501) are consequences.
    if (this.openingError !== undefined) throw this.openingError;
    if (failed) throw reason;
    if (!committed) throw this.rolledBackError();
  }

  private statement(text: string, params: readonly unknown[], kind: Kind, simple = false): InternalQuery {
    const query = this.plan.client.unsafe(text, params as postgres.ParameterOrJSON<never>[], {
      prepare: this.plan.prepare,
    });
    if (simple) query.simple();
    // Nobody awaits the opening message or the end statement: their failure surfaces through the statements after
    // them (or finish()), and must not also surface as an unhandled rejection.
    if (kind === 'internal') Promise.prototype.then.call(query, undefined, ignore);
    return this.wrap(query, kind);
  }

  /** Wraps a query so it is admitted by this unit and sent only on this unit's connection. */
  private wrap(query: unknown, kind: Kind): InternalQuery {
    const q = query as OwnedQuery;
    q[OWNER] = this;
    if (kind === 'internal') q[INTERNAL] = true;
    const handle = q.handle;
    q.handle = () => {
      if (q.executed) return handle.call(q);
      if (q.cancelled) {
        // Withdrawn by cancel() before it was started: already rejected, never sent. If it was the last statement the
        // callback returned, the unit's end goes out here: a ROLLBACK, since the statements returned with it must not
        // commit without it.
        q.executed = true;
        if (kind === 'user' && this.commitAfter !== undefined && --this.commitAfter === 0) this.end('rollback');
        return Promise.resolve();
      }
      const refusal = kind === 'internal' ? this.deadError() : this.admit(q);
      if (refusal !== undefined) {
        q.executed = true;
        q.reject(refusal);
        return Promise.resolve();
      }
      this.track(q);
      const started = handle.call(q);
      if (kind === 'user' && this.commitAfter !== undefined && --this.commitAfter === 0) {
        // The last returned statement: COMMIT goes right behind it, unless it may go out merged (decided in send).
        if (this.mergeable && !this.withdrew) this.mergeCandidate = q;
        else this.end(this.withdrew ? 'rollback' : 'commit');
      }
      return started;
    };
    q.handler = (self) => this.send(self);
    if (kind === 'user') {
      const cursor = q.cursor;
      // An async-iterator cursor replaces the query's settle functions on every step, so the unit could never tell
      // when it is done; the callback form settles normally.
      q.cursor = (...args: unknown[]) => {
        if (args.some((a) => typeof a === 'function')) return cursor.apply(q, args);
        throw new TenancyError(
          'INVALID_INPUT',
          'Async-iterator cursors are not supported inside a unit of work; use cursor(rows, fn) or forEach().',
        );
      };
      // postgres.js's cancel() of a statement that is written but not yet its current one only marks it, and when it
      // turns current makes the statement behind it current instead, which then reads the cancelled one's answers
      // (postgres.js 3.4.9): on a connection units share in turn, another unit's rows. And a cancel request names a
      // backend, not a statement, so on a shared connection it may stop a neighbour's. Inside a unit, cancel() only
      // withdraws a statement that has not been written; a unit's `signal` is what stops a running one.
      // A statement the callback returned and that was started travels with the unit's end, which may already be
      // queued behind it: it is not withdrawn either. Withdrawing one before it starts makes a returned group roll back.
      const cancel = q.cancel;
      q.cancel = () => {
        if (q.state !== null || q.cancelled || (q.executed && this.pipelining)) return undefined;
        this.withdrew = true;
        return cancel.call(q);
      };
    }
    return q;
  }

  /** True once this unit's COMMIT or ROLLBACK is written and it will write nothing more (see `Lane`). */
  get chainable(): boolean {
    return this.endWritten && !this.recovering && this.chains && this.poisoned === undefined && !this.dead;
  }

  /**
   * False for units that must have a connection to themselves: those with an abort signal, in either direction,
   * since a cancel request names a backend, not a statement, and could reach a neighbour's transaction.
   */
  get chains(): boolean {
    return this.plan.signal === undefined;
  }

  // A place on a lane now, or as soon as a lane or a connection is free (see `LanePool`).
  private requestConnection(): void {
    lanePoolOf(this.plan.client).request(this);
  }

  /** Takes a place on `lane` (see `Lane`) and writes what was started so far. Called by the lane pool. */
  join(lane: Lane): void {
    this.lane = lane;
    lane.attach(this);
    const queued = this.pendingSend;
    this.pendingSend = [];
    for (const q of queued) {
      if (!q.cancelled) this.send(q);
    }
  }

  private send(q: InternalQuery): void {
    // Withdrawn by cancel() after it was started, before it was written: postgres.js rejected it already.
    if (q.cancelled) return;
    if (this.dead || this.abandoned) {
      q.reject(this.abortReason ?? this.connectionLost());
      return;
    }
    const lane = this.lane;
    if (lane === undefined) {
      this.pendingSend.push(q);
      return;
    }
    if (!this.openingSent) {
      this.openingSent = true;
      if (q === this.mergeCandidate && this.sendMerged(lane, q)) return;
      this.sendOpening(lane);
    }
    this.sendOnLane(lane, q);
    if (q === this.mergeCandidate) {
      this.mergeCandidate = undefined;
      this.end('commit');
    }
  }

  private sendOnLane(lane: Lane, q: InternalQuery): void {
    if (!lane.send(q)) {
      q.reject(this.connectionLost());
      this.markDead();
      return;
    }
    if (q === this.endQuery) this.endSent(lane);
  }

  private endSent(lane: Lane): void {
    this.endWritten = true;
    if (lane.joinable) lanePoolOf(this.plan.client).offer(lane);
  }

  // The opening and the unit's one statement under one Sync: the statement's Sync ends the transaction, so it is
  // the unit's end. False when the lane cannot merge now; the unit then opens the usual way.
  private sendMerged(lane: Lane, q: InternalQuery): boolean {
    const opening = this.plan.runtime.openingStatement;
    if (opening === undefined || !lane.canMerge || q.cursorFn !== undefined) return false;
    const options = q.options;
    if (options?.simple === true) {
      // postgres.js sends a statement without parameters as a simple Query message, which ends the implicit
      // transaction on its own. One that is a single statement (no `;`) means the same in the extended protocol.
      if (q.strings.length !== 1 || (q.strings[0] ?? ';').includes(';')) return false;
      options.simple = false;
    }
    this.merged = true;
    this.mergeCandidate = undefined;
    this.commitAfter = undefined;
    this.state = 'closing';
    this.endQuery = q;
    lane.sendMerged(q, opening, this.plan.values);
    this.endSent(lane);
    return true;
  }

  // `begin` and the context as one simple-protocol message.
  private sendOpening(lane: Lane): void {
    const { runtime, values, begin } = this.plan;
    this.sendOnLane(lane, this.internalNow(runtime.prelude(begin, values), [], true));
  }

  // An internal statement of the opening, started here and now (not a microtask later through postgres.js's
  // handle), so it is written before the statement that needs it. Not awaited: its error fails the unit first,
  // and every statement after it fails too.
  private internalNow(text: string, params: readonly unknown[], simple: boolean): InternalQuery {
    const q = this.statement(text, params, 'internal', simple);
    Promise.prototype.then.call(q, undefined, (error: unknown) => {
      this.openingError ??= error;
    });
    q.executed = true;
    this.track(q);
    return q;
  }

  private admit(q: InternalQuery): unknown {
    if (this.dead) return this.connectionLost();
    if (this.poisoned !== undefined) return this.poisoned;
    if (this.state !== 'open') {
      if (this.abortReason !== undefined) return this.abortReason;
      return new TenancyError(
        'TENANT_REQUIRED',
        this.state === 'done'
          ? 'This database handle belongs to a unit of work that has ended; use the handle of the current one.'
          : 'This unit of work is already committing; statements started after its callback returned are refused.',
        { details: { reason: 'unit-ended' } },
      );
    }
    if (TRANSACTION_CONTROL.test(q.strings[0] ?? '')) {
      return new TenancyError(
        'INVALID_INPUT',
        'Transaction control (begin, commit, rollback, set role, ...) is not allowed inside a unit of work: the unit owns the transaction. Use db.transaction() or savepoint() for nested work.',
      );
    }
    return undefined;
  }

  // Settles are observed by wrapping the query's own resolve/reject (no extra promise per statement). They run
  // inside postgres.js's message handling, so they only do bookkeeping.
  private track(q: OwnedQuery): void {
    this.tracked.add(q);
    const resolve = q.resolve;
    const reject = q.reject;
    q.resolve = (result: unknown) => {
      resolve(result);
      if (!this.tracked.has(q)) return;
      if (q === this.endQuery) this.endOutcome = { command: (result as { command?: unknown } | null)?.command };
      if (q[INTERNAL] !== true) this.checkTags(result);
      this.untrack(q);
    };
    q.reject = (error: unknown) => {
      reject(error);
      if (!this.tracked.has(q)) return;
      if (q === this.endQuery) this.endOutcome = ENDED_IN_ERROR;
      if (this.firstError === undefined) this.firstError = error;
      this.untrack(q);
      if (isConnectionError(error)) this.markDead();
    };
  }

  private untrack(q: InternalQuery): void {
    this.tracked.delete(q);
    if (this.tracked.size === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  private checkTags(result: unknown): void {
    if (Array.isArray(result) && isResultList(result)) {
      for (const r of result) this.checkTag(r);
    } else {
      this.checkTag(result);
    }
  }

  private checkTag(result: unknown): void {
    const command = (result as { command?: unknown } | null)?.command;
    if (typeof command === 'string' && TRANSACTION_TAGS.has(command) && this.poisoned === undefined) {
      this.poisoned = new TenancyError(
        'INVALID_INPUT',
        `A statement inside the unit of work ran ${command}; the unit owns the transaction. Its connection is discarded.`,
      );
    }
  }

  private whenIdle(): Promise<void> {
    if (this.tracked.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private end(kind: 'commit' | 'rollback'): void {
    if (this.endQuery !== undefined) return;
    this.state = 'closing';
    this.commitAfter = undefined;
    const q = this.statement(kind, [], 'internal');
    this.endQuery = q;
    void q.execute();
  }

  /**
   * `finish(false)` without waiting, when there is nothing to wait for or to clean up: the end's answer is in, no
   * statement is in flight, and the transaction ended. Undefined otherwise (finish() then does the whole work).
   */
  private finishNow(): boolean | undefined {
    const outcome = this.endOutcome;
    if (outcome === undefined || this.tracked.size > 0 || this.dead || this.poisoned !== undefined) return undefined;
    const endFailed = outcome === ENDED_IN_ERROR;
    const command = outcome.command;
    if (!this.merged && (endFailed || (command !== 'COMMIT' && command !== 'ROLLBACK'))) return undefined;
    this.state = 'done';
    return !endFailed && (this.merged || command === 'COMMIT') && this.openingError === undefined;
  }

  /**
   * Waits for the end statement and every statement of the unit. If the session is still in a transaction block
   * afterwards (a COMMIT or ROLLBACK that failed and left it open), rolls back again, and closes the connection if
   * even that does not work. When other units' transactions follow on the connection, nothing more may be written
   * there: a failed end then closes the connection (those units fail with a lost connection, none runs inside this
   * unit's transaction). Returns whether the transaction committed; with `strict`, throws when it did not.
   */
  private async finish(strict = true): Promise<boolean> {
    const now = this.finishNow();
    if (now !== undefined) {
      if (strict && !now) throw this.rolledBackError();
      return now;
    }
    let command: unknown;
    let endFailed = false;
    // Usually the end's answer is in already (a merged unit's end is its statement, which was awaited): no await.
    const outcome = this.endOutcome;
    if (outcome !== undefined) {
      endFailed = outcome === ENDED_IN_ERROR;
      command = outcome.command;
    } else {
      try {
        command = ((await this.endQuery) as { command?: unknown } | undefined)?.command;
      } catch {
        endFailed = true;
      }
    }
    if (this.tracked.size > 0) await this.whenIdle();
    if (this.dead) {
      this.state = 'done';
      throw this.connectionLost();
    }
    if (this.poisoned !== undefined) {
      this.discard();
      throw this.poisoned;
    }
    // A COMMIT or ROLLBACK that completed leaves no transaction open; anything else may have. A merged unit's
    // transaction ended at its statement's Sync, committed or rolled back, whatever the statement did.
    const ended = this.merged || (!endFailed && (command === 'COMMIT' || command === 'ROLLBACK'));
    if (!ended && this.holdsConnection()) {
      if ((this.lane as Lane).size > 1) {
        this.discard();
      } else {
        this.recovering = true;
        await this.forceRollback();
      }
    }
    this.state = 'done';
    const committed = !endFailed && (this.merged || command === 'COMMIT') && this.openingError === undefined;
    if (strict && !committed) throw this.rolledBackError();
    return committed;
  }

  /** The failure path: stop admitting, let a cancel land, roll back; the caller rethrows its error. */
  private async fail(): Promise<void> {
    if (this.state === 'done') return;
    if (this.state === 'open') this.state = 'closing';
    if (this.lane === undefined) {
      // Still waiting for a connection: nothing was sent, so nothing needs undoing.
      this.abandon(this.abortReason ?? new TenancyError('INTERNAL', 'The unit of work failed before it started.'));
      return;
    }
    if (this.cancelling !== undefined) await this.cancelling;
    if (this.dead || this.abandoned) {
      this.state = 'done';
      return;
    }
    this.end('rollback');
    try {
      await this.finish(false);
    } catch {
      // The caller's error is the one that matters; finish() already cleaned up the connection.
    }
  }

  private holdsConnection(): boolean {
    return this.lane?.held === true;
  }

  // A late cancel can hit one ROLLBACK, not two: retry once, then give the connection up rather than pool it.
  // Each attempt is bounded: cleanup must never hang a request, whatever the connection is doing.
  private async forceRollback(): Promise<void> {
    for (let attempt = 0; attempt < 2 && this.holdsConnection() && !this.dead; attempt++) {
      const rollback = this.statement('rollback', [], 'internal');
      let timer: NodeJS.Timeout | undefined;
      try {
        const result = await Promise.race([
          rollback,
          new Promise((_, reject) => {
            timer = setTimeout(reject, CLEANUP_WAIT_MS);
          }),
        ]);
        if ((result as { command?: unknown } | undefined)?.command === 'ROLLBACK') return;
      } catch {
        // Tried again, then the connection is closed.
      } finally {
        clearTimeout(timer);
      }
    }
    if (this.holdsConnection()) this.discard();
  }

  // Closes the connection instead of pooling it: used when it may carry state the unit could not clear.
  private discard(): void {
    this.state = 'done';
    if (this.holdsConnection()) (this.lane as Lane).close();
  }

  private markDead(): void {
    if (this.dead) return;
    this.dead = true;
    // Between a connection error and postgres.js's close event the connection still looks held: retire it now, so
    // no later unit takes it.
    this.lane?.retire();
    if (this.state === 'open') this.state = 'closing';
    this.rejectAll(this.connectionLost());
  }

  /** Fails the unit while it still waits for a place (the lane pool could not get a connection, or it aborted). */
  abandon(reason: unknown): void {
    if (this.abandoned || this.lane !== undefined) return;
    this.abandoned = true;
    lanePoolOf(this.plan.client).withdraw(this);
    this.state = 'done';
    this.rejectAll(reason ?? this.connectionLost());
  }

  // Statements queued or in flight would otherwise never settle.
  private rejectAll(error: unknown): void {
    const queued = this.pendingSend;
    this.pendingSend = [];
    for (const q of queued) q.reject(error);
    for (const q of this.tracked) q.reject(error);
  }

  private abort(reason: unknown): void {
    if (this.state === 'done' || this.abortReason !== undefined) return;
    // The callback's own work is done and COMMIT is on its way: let it finish.
    if (this.state === 'closing' && !this.pipelining) return;
    this.abortReason = reason ?? new TenancyError('INTERNAL', 'The unit of work was aborted.');
    if (this.state === 'open') this.state = 'closing';
    if (this.lane === undefined) {
      this.abandon(this.abortReason);
    } else {
      // A statement of the callback on the server: running, or written behind the opening (or a statement before
      // it) whose answer is not back yet. A unit with a signal has its connection to itself (`chains`), so the
      // request can only reach this unit's work: the opening or a statement fails, and the unit rolls back.
      for (const q of this.tracked) {
        if ((q as OwnedQuery)[INTERNAL] !== true && q.state !== null && !q.cancelled) {
          this.cancelling = cancelBackendOf(q, CANCEL_WAIT_MS);
          break;
        }
      }
    }
    for (const reject of this.abortWaiters ?? []) reject(this.abortReason);
    this.abortWaiters = undefined;
  }

  private raceAbort<T>(promise: PromiseLike<T>): Promise<T> {
    if (this.plan.signal === undefined) return Promise.resolve(promise);
    if (this.abortReason !== undefined) return Promise.reject(this.abortReason);
    return new Promise<T>((resolve, reject) => {
      this.abortWaiters ??= new Set();
      this.abortWaiters.add(reject);
      promise.then(
        (v) => {
          this.abortWaiters?.delete(reject);
          resolve(v);
        },
        (e: unknown) => {
          this.abortWaiters?.delete(reject);
          reject(e);
        },
      );
    });
  }

  private deadError(): unknown {
    return this.dead ? this.connectionLost() : undefined;
  }

  private connectionLost(): TenancyError {
    return new TenancyError(
      'DATABASE_ERROR',
      'The database connection of this unit of work was lost; its transaction did not complete.',
      { details: { reason: 'connection-lost' } },
    );
  }

  private rolledBackError(): unknown {
    return (
      this.openingError ??
      this.firstError ??
      new TenancyError('DATABASE_ERROR', 'The transaction of this unit of work was rolled back.', {
        details: { reason: 'rolled-back' },
      })
    );
  }
}

// postgres.js's own connection errors, socket errors (ECONNRESET, EPIPE, ...), and the server's FATAL ones
// (terminated backend, shutdown, lost link). After any of these nothing more may be sent on the connection: between
// a socket error and its close event postgres.js would still write, and never settle what it wrote.
function isConnectionError(error: unknown): boolean {
  const e = error as { code?: unknown; severity?: unknown; syscall?: unknown } | null;
  if (typeof e !== 'object' || e === null) return false;
  if (e.severity === 'FATAL' || e.severity === 'PANIC') return true;
  if (typeof e.syscall === 'string') return true;
  const code = typeof e.code === 'string' ? e.code : '';
  return (
    code.startsWith('CONNECTION_') || code === 'CONNECT_TIMEOUT' || code.startsWith('08') || code.startsWith('57P')
  );
}

function ignore(): void {}

function foreignQueryError(): TenancyError {
  return new TenancyError(
    'INVALID_INPUT',
    'The callback returned a query built on another client, which would run outside this unit of work. Build it with the handle the callback receives.',
  );
}

// Starts a returned statement (`then` starts a lazy query) and gives its promise; a `then` that throws gives a
// rejection, as a promise wrapped around it would.
function start(item: PromiseLike<unknown>): PromiseLike<unknown> {
  try {
    return item.then();
  } catch (error) {
    return Promise.reject(error);
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

// postgres.js answers a multi-statement simple query with an array of results, each carrying its command tag; a
// statement's own result holds rows, and a row (an array in `.values()` mode) never carries a command tag. So the first
// element tells, without walking every row of every result.
function isResultList(value: unknown[]): boolean {
  const first = value[0];
  return Array.isArray(first) && 'command' in first;
}

async function settle<T>(value: T | Promise<T>): Promise<T> {
  const v = await value;
  if (Array.isArray(v) && v.some(isThenable)) return (await Promise.all(v)) as T;
  return v;
}
