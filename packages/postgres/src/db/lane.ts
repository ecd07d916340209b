import type postgres from 'postgres';
import type { InternalConnection, InternalQuery } from './postgres-internals.js';
import { captureConnection } from './postgres-internals.js';
import type { SettingValues } from './runtime-config.js';
import type { OpeningStatement, WireShimSocket } from './wire-shim.js';
import { wireShimFor } from './wire-shim.js';

// How many units of work may be in flight on one connection at once. Each is a complete transaction written behind
// the one before it; the server runs them in order. Past this, a unit waits for a place.
const MAX_UNITS_PER_LANE = 8;
// How many units one lane serves before it lets the connection go back to the pool: the pool's own queue (plain
// queries on the same client, other code's transactions) must get a turn even while units keep every connection busy.
const MAX_UNITS_PER_HOLD = 32;
// How often a failed request for a connection is repeated before a waiting unit fails with its error.
const MAX_REQUEST_RETRIES = 2;

/** What a lane and the lane pool need to know about a unit of work. */
export interface LaneUnit {
  /**
   * True once the unit's COMMIT or ROLLBACK was written and the unit will write nothing more: another unit's
   * transaction may then follow it on the same connection.
   */
  readonly chainable: boolean;
  /** False for units that must have a connection to themselves (they carry an abort signal). */
  readonly chains: boolean;
  /** Takes its place on `lane` and writes what it has started so far. */
  join(lane: Lane): void;
  /** Fails a unit still waiting: the pool could not give a connection. */
  abandon(reason: unknown): void;
}

type Marker = (() => void) & { release?: boolean };

/**
 * A pooled connection held by units of work (`connection.reserved` is this lane's marker, the mechanism of
 * postgres.js's own `sql.begin`). One unit holds it while its transaction is open; once that unit has written its
 * COMMIT, later units may write whole transactions behind it on the same connection, as postgres.js pipelines plain
 * queries on a busy connection, instead of each waiting for a connection of its own. The transactions never overlap:
 * the server runs one after the other, each sets its own tenant, user and role transaction-locally, and every
 * statement is written in unit order through this one queue.
 *
 * When its last unit is done the lane first serves units waiting for a place, then keeps the connection until a
 * zero-delay timer fires (the event loop's next turn at the earliest), so a unit opened right after (the same
 * caller's next unit, the next request of this turn) needs no request for a connection, then gives it back
 * (`releaseIfIdle`). A lane a unit with an abort signal used gives it back at once when nobody waits.
 */
export class Lane {
  readonly marker: Marker;
  private full = false;
  private readonly queue: InternalQuery[] = [];
  private units = 0;
  private served = 0;
  private tail: LaneUnit | undefined;
  private keep = true;
  private releasing = false;
  private closed = false;
  // Set while a unit that needs a connection to itself waits for this one: nobody joins until it is idle.
  private draining = false;

  // The socket under this connection when it can merge a unit's opening with its statement (wire-shim.ts).
  private readonly shim: WireShimSocket | undefined;

  constructor(
    readonly connection: InternalConnection,
    private readonly pool: LanePool,
    shim?: WireShimSocket,
  ) {
    this.shim = shim;
    const marker: Marker = () => this.onReady();
    // Without `release`, postgres.js hands a reserved connection back to the pool by itself whenever nothing is in
    // flight and no transaction is open; with it, the lane decides (`releaseIfIdle`).
    marker.release = true;
    this.marker = marker;
    connection.reserved = marker;
  }

  /** True while the lane holds the connection (not closed, not given back). */
  get held(): boolean {
    return !this.closed && this.connection.reserved === this.marker;
  }

  /** Units attached and not yet finished. */
  get size(): number {
    return this.units;
  }

  /** True when a new unit may write its transaction on this lane: it is idle, or its last unit wrote its end. */
  get joinable(): boolean {
    if (!this.held || this.full || this.queue.length > 0 || this.served >= MAX_UNITS_PER_HOLD) return false;
    if (this.shim?.stale === true) return false;
    if (this.units === 0) return true;
    return !this.draining && this.units < MAX_UNITS_PER_LANE && this.tail?.chainable === true;
  }

  /** Adds `unit` behind the lane's last one. */
  attach(unit: LaneUnit): void {
    this.units++;
    this.served++;
    this.tail = unit;
    if (!unit.chains) this.keep = false;
  }

  detach(unit: LaneUnit): void {
    this.units--;
    if (this.tail === unit) this.tail = undefined;
    if (this.units > 0) {
      // Below the depth limit again: units waiting since it was reached come before newcomers.
      if (this.joinable) this.pool.offer(this);
      return;
    }
    this.draining = false;
    if (!this.held) {
      // Closed under its units (a killed backend, a lost socket): its place in the pool is free for whoever waits.
      this.pool.remove(this);
      return;
    }
    if (this.shim?.stale === true) {
      // postgres.js kept a statement that went stale under a merged unit (wire-shim.ts): not for anyone again.
      this.close();
      return;
    }
    if (this.served >= MAX_UNITS_PER_HOLD) {
      this.releaseIfIdle();
      return;
    }
    this.pool.offer(this);
    if (this.units > 0) return;
    // From a timer, not setImmediate: releasing writes the empty statement, and postgres.js (3.4.9) sends what is
    // written in a setImmediate callback only in the next turn's; should the socket close in this turn's close phase
    // meanwhile, postgres.js keeps the bytes and never sends on that connection again (postgres-internals.ts,
    // cancelBackendOf). Written from a timer, the bytes go out in this turn's setImmediate, before any close event.
    if (this.keep) setTimeout(() => this.releaseIfIdle(), 0);
    else this.releaseIfIdle();
  }

  /** Lets the lane's current units finish and nobody join, so it turns idle for a unit that waits for it. */
  drain(): void {
    if (this.units > 0) this.draining = true;
  }

  /** Writes `q` now, or after what is queued. False when the lane no longer holds its connection. */
  send(q: InternalQuery): boolean {
    if (!this.held) return false;
    if (this.full || this.queue.length > 0) {
      this.queue.push(q);
      return true;
    }
    if (!this.write(q)) this.full = true;
    return true;
  }

  // Hands `q` to postgres.js; false when the pipeline is full. postgres.js builds and serializes a statement inside
  // execute(); when that throws (an undefined value, an invalid Date, a symbol, JSON it cannot stringify), it rejects
  // the statement it is currently waiting for instead of `q`, and leaves `q` queued for an answer that never comes:
  // everything after it on the connection is answered off by one, and the unit hangs. Nothing on that connection can
  // be trusted then: it is closed, which fails what is in flight on it.
  private write(q: InternalQuery): boolean {
    // Refused properly (the connection is gone, a COPY is in progress, or `q` was the only statement in flight and
    // postgres.js failed it with its error): `q` itself is rejected right here, and the pipeline is intact.
    let refused = false;
    const reject = q.reject;
    q.reject = (error: unknown) => {
      refused = true;
      reject(error);
    };
    let room: boolean | undefined;
    try {
      room = this.connection.execute(q);
    } finally {
      q.reject = reject;
    }
    if (!refused && !q.cancelled && !writtenWhole(q)) {
      this.close();
      return false;
    }
    return room !== false;
  }

  /**
   * True when a unit's opening and statement can be written under one Sync now: the connection's socket is a shim
   * socket that follows the protocol, and nothing waits for room in the pipeline.
   */
  get canMerge(): boolean {
    return this.held && !this.full && this.queue.length === 0 && this.shim?.usable === true;
  }

  /**
   * Writes a unit's one statement with its opening in front, under the statement's Sync (see wire-shim.ts), when
   * `canMerge`. The socket writes the opening: postgres.js only ever sees the statement.
   */
  sendMerged(statement: InternalQuery, opening: OpeningStatement, values: SettingValues): void {
    const shim = this.shim as WireShimSocket;
    const arm = shim.arm(opening, values);
    statement.cursorName = arm.tag;
    // Written whatever the pipeline says, like any statement (a statement postgres.js cannot build closes the
    // connection, see write()).
    const room = this.write(statement);
    // postgres.js has built it now: prepared already (its Bind starts its group), or prepared in this write (its
    // Parse does, and the opening goes in front of that). The socket holds back what is written until it knows.
    const built = statement.statement;
    if (built == null || !this.held) shim.disarm(arm);
    else shim.anchor(arm, statement.prepared === true ? undefined : built.name);
    if (!room) this.full = true;
  }

  /**
   * Closes the connection instead of giving it back: it may carry state no unit could clear, or it failed. From
   * now on nothing is written to it; postgres.js reconnects the pool's slot when someone needs it.
   */
  close(): void {
    if (this.closed) return;
    // Only while it is still this lane's: once postgres.js has seen it close, the same connection object may already
    // be reconnecting for someone else.
    const ours = this.held;
    this.closed = true;
    if (ours) this.terminate();
    this.failQueued();
    this.pool.remove(this);
  }

  // postgres.js (3.4.9) buffers what it writes in one turn and sends it from a setImmediate; terminate() cancels that
  // send but keeps the bytes and the cancelled timer, so the connection's next socket gets nothing: its startup
  // message waits behind the stale bytes, and every reconnect fails with CONNECT_TIMEOUT until the buffer passes 1 KiB
  // and goes out, garbage in front of a startup message the server refuses (drizzle.md, "Limits and things to know").
  // On a shim socket the lane lets the buffer go out into the socket, which drops it (nothing of it reaches the
  // server), and terminates after that, a turn later; until then the connection stays marked as this lane's, so
  // nobody else gets it. Other sockets (TLS, a `socket` of the user's) are terminated at once: flushing first would
  // send the stale bytes to the server, which is worse than a stalled reconnect. Only what was written in the same turn
  // is still buffered; a lane that wrote nothing since the last send leaves a clean reconnect.
  private terminate(): void {
    const shim = this.shim;
    if (shim === undefined || !shim.usable) {
      this.connection.terminate();
      return;
    }
    shim.discardWrites();
    setImmediate(() => {
      if (this.connection.reserved === this.marker) this.connection.terminate();
    });
  }

  /**
   * Stops using a connection that failed (a connection error reached one of its units), without touching it:
   * postgres.js is closing it and may reconnect the same connection object for someone else.
   */
  retire(): void {
    if (this.closed) return;
    this.closed = true;
    this.failQueued();
    this.pool.remove(this);
  }

  // Statements still waiting for room in the pipeline belong to units behind the one that failed: they were never
  // sent, and would never settle. They fail as with a lost connection, which fails their units.
  private failQueued(): void {
    const queued = this.queue.splice(0);
    for (const q of queued) {
      q.reject(
        Object.assign(new Error('The connection closed before this statement was sent.'), {
          code: 'CONNECTION_CLOSED',
        }),
      );
    }
  }

  // Gives the connection back through postgres.js's own rule: the empty statement's answer reports whether a
  // transaction is open. None: postgres.js pools the connection. One (a unit's end failed in a way nobody noticed):
  // postgres.js calls the guard instead, and the connection is closed, never pooled.
  private releaseIfIdle(): void {
    if (this.units > 0 || this.releasing || !this.held) return;
    this.releasing = true;
    const connection = this.connection;
    connection.reserved = () => connection.terminate();
    connection.execute(this.pool.emptyStatement());
    this.pool.remove(this);
  }

  // Called by postgres.js whenever nothing is in flight: the pipeline has room again.
  private onReady(): void {
    this.full = false;
    while (!this.full && this.queue.length > 0) {
      const q = this.queue.shift() as InternalQuery;
      if (q.cancelled) continue;
      if (!this.write(q)) this.full = true;
    }
  }
}

/**
 * The lanes of one postgres.js client and the units waiting for a place. A unit takes an idle lane, or (when every
 * connection of the pool is held by lanes) a place behind another unit; otherwise it waits, in order. Requests for a
 * connection (an empty statement through the pool) are shared: each serves the unit that has waited longest when its
 * connection arrives, and there are never more of them than units waiting or connections not yet held. So a waiting
 * unit is served by whichever comes first, a free connection or a place on a lane, and nobody starves behind units
 * that keep a busy connection busy.
 */
export class LanePool {
  private readonly lanes = new Set<Lane>();
  private readonly waiting = new Set<LaneUnit>();
  private probing = 0;
  // Requests for a connection that failed in a row (see requestConnection).
  private failures = 0;

  constructor(private readonly client: postgres.Sql) {}

  private get max(): number {
    return this.client.options.max;
  }

  /** Places `unit` on a lane now, or queues it until a lane or a connection is free. */
  request(unit: LaneUnit): void {
    if (unit.chains) {
      const lane = this.pick();
      if (lane !== undefined) {
        unit.join(lane);
        return;
      }
    }
    this.waiting.add(unit);
    this.ensureRequests();
  }

  /** Forgets a waiting unit that gave up. */
  withdraw(unit: LaneUnit): void {
    this.waiting.delete(unit);
  }

  /** `lane` turned joinable (its last unit wrote its end, or it went idle): waiting units take places on it. */
  offer(lane: Lane): void {
    for (const unit of this.waiting) {
      if (!lane.joinable) return;
      if (!unit.chains && lane.size > 0) {
        // The longest-waiting unit needs a connection to itself: this one is its, once the units on it finish.
        lane.drain();
        return;
      }
      this.waiting.delete(unit);
      unit.join(lane);
      if (!unit.chains) break;
    }
    this.ensureRequests();
  }

  remove(lane: Lane): void {
    this.lanes.delete(lane);
    this.ensureRequests();
  }

  /** The statement a lane gives its connection back with; never started through the pool. */
  emptyStatement(): InternalQuery {
    const q = this.client.unsafe('', []) as unknown as InternalQuery;
    Promise.prototype.then.call(q, undefined, ignore);
    return q;
  }

  private held(): number {
    let held = 0;
    for (const lane of this.lanes) {
      if (lane.held) held++;
      else if (lane.size === 0) this.lanes.delete(lane);
    }
    return held;
  }

  // An idle lane first (no request for a connection at all); otherwise, only when every connection of the pool is
  // held by lanes or on its way to one, so chaining never stands in for a free connection, the joinable lane with
  // the fewest units.
  private pick(): Lane | undefined {
    const held = this.held();
    let best: Lane | undefined;
    for (const lane of this.lanes) {
      if (!lane.joinable) continue;
      if (lane.size === 0) return lane;
      if (best === undefined || lane.size < best.size) best = lane;
    }
    return held + this.probing >= this.max ? best : undefined;
  }

  private ensureRequests(): void {
    if (this.waiting.size === 0) return;
    const held = this.held();
    while (this.probing < this.waiting.size && held + this.probing < this.max) this.requestConnection();
    // Every connection is held: a unit that needs one to itself waits for a lane to drain.
    if (this.probing === 0 && held >= this.max) {
      for (const unit of this.waiting) {
        if (unit.chains) continue;
        let fewest: Lane | undefined;
        for (const lane of this.lanes) {
          if (lane.held && (fewest === undefined || lane.size < fewest.size)) fewest = lane;
        }
        fewest?.drain();
        return;
      }
    }
  }

  private requestConnection(): void {
    this.probing++;
    let settled = false;
    const done = () => {
      if (settled) return false;
      settled = true;
      this.probing--;
      return true;
    };
    const request = this.client.unsafe(
      '',
      [],
      captureConnection((connection) => {
        if (done()) this.arrived(connection, request.state);
      }),
    ) as unknown as InternalQuery;
    Promise.prototype.then.call(
      request,
      () => {
        // Written on a connection whose pipeline had no room, so postgres.js never reported the connection.
        // Nothing happened there (the statement is empty): ask again for whoever still waits.
        if (done()) this.ensureRequests();
      },
      (error: unknown) => {
        if (!done()) return;
        // A request can fail for the request's own sake: postgres.js 3.4 keeps the error of a backend killed
        // mid-statement and hands it to the first statement of the reconnected connection (the replay of
        // porsager/postgres#1223). Ask again, twice; then
        // (or at once when the pool is ending) the longest-waiting unit fails with the error, the others ask again.
        const code = (error as { code?: unknown } | null)?.code;
        const final = code === 'CONNECTION_ENDED' || code === 'CONNECTION_DESTROYED';
        if (!final && ++this.failures <= MAX_REQUEST_RETRIES) {
          this.ensureRequests();
          return;
        }
        this.failures = 0;
        for (const unit of this.waiting) {
          this.waiting.delete(unit);
          unit.abandon(error);
          break;
        }
        this.ensureRequests();
      },
    );
    // Never cancelled: postgres.js loses track of a connection whose first query was cancelled while it
    // connected. A request nobody needs any more runs as an empty statement and the pool takes its connection back.
    void request.execute();
  }

  // A requested connection arrived (marked by nobody yet): the longest-waiting unit gets it as a lane of its own.
  // Nobody waiting: it stays unmarked, and the pool takes it back when the empty statement's answer arrives.
  private arrived(connection: InternalConnection, backend: InternalQuery['state']): void {
    this.failures = 0;
    for (const unit of this.waiting) {
      this.waiting.delete(unit);
      const lane = new Lane(connection, this, wireShimFor(this.client, backend));
      this.lanes.add(lane);
      unit.join(lane);
      return;
    }
  }
}

// True when postgres.js wrote `q` out: built (its statement is set) and, unless it goes out as Parse/Describe first
// (its values are serialized later, when the answer to that arrives), bound: Bind replaces every value by its
// serialized text in place, so a value left unserialized means Bind threw before writing anything.
function writtenWhole(q: InternalQuery): boolean {
  if (q.statement == null) return false;
  if (q.describeFirst === true || q.options?.simple === true) return true;
  const parameters = q.parameters ?? [];
  for (const value of parameters) {
    if (value !== null && typeof value !== 'string') return false;
  }
  return true;
}

const pools = new WeakMap<object, LanePool>();

/** The lane pool of `client`, created on first use. */
export function lanePoolOf(client: postgres.Sql): LanePool {
  let pool = pools.get(client);
  if (pool === undefined) {
    pool = new LanePool(client);
    pools.set(client, pool);
  }
  return pool;
}

function ignore(): void {}
