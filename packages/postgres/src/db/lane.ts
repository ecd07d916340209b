import type { InternalConnection, InternalQuery } from './postgres-internals.js';

// How many units of work may be in flight on one connection at once. Each is a complete transaction written behind
// the one before it; the server runs them in order. Past this, a unit waits for a connection of its own.
const MAX_UNITS_PER_LANE = 8;

/** What a lane needs to know about the last unit of work written to it. */
export interface LaneUnit {
  /**
   * True once the unit's COMMIT or ROLLBACK was written and the unit will write nothing more: another unit's
   * transaction may then follow it on the same connection.
   */
  readonly chainable: boolean;
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
 * When its last unit is done the lane keeps the connection until the event loop's next turn, so a unit opened right
 * after (the same caller's next unit, the next request of this turn) needs no request for a connection, then gives
 * it back (`release`). A lane a unit with an abort signal used gives it back at once.
 */
export class Lane {
  readonly marker: Marker;
  private full = false;
  private readonly queue: InternalQuery[] = [];
  private units = 0;
  private tail: LaneUnit | undefined;
  private keep = true;
  private releasing = false;
  private closed = false;

  constructor(
    readonly connection: InternalConnection,
    private readonly emptyStatement: () => InternalQuery,
  ) {
    const marker: Marker = () => this.onReady();
    // Without `release`, postgres.js hands a reserved connection back to the pool by itself whenever nothing is in
    // flight and no transaction is open; with it, the lane decides (`release`).
    marker.release = true;
    this.marker = marker;
    connection.reserved = marker;
  }

  /** True while the lane holds the connection (not closed, not given back). */
  get held(): boolean {
    return !this.closed && this.connection.reserved === this.marker;
  }

  /**
   * Closes the connection instead of giving it back: it may carry state no unit could clear, or it failed. From
   * now on nothing is written to it; postgres.js reconnects the pool's slot when someone needs it.
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.connection.terminate();
  }

  /** Units attached and not yet finished. */
  get size(): number {
    return this.units;
  }

  /** True when a new unit may write its transaction on this lane: it is idle, or its last unit wrote its end. */
  get joinable(): boolean {
    if (!this.held || this.full || this.queue.length > 0) return false;
    if (this.units === 0) return true;
    return this.units < MAX_UNITS_PER_LANE && this.tail?.chainable === true;
  }

  /** Adds `unit` behind the lane's last one. `keep` false: give the connection back as soon as the lane is idle. */
  attach(unit: LaneUnit, keep: boolean): void {
    this.units++;
    this.tail = unit;
    if (!keep) this.keep = false;
  }

  detach(unit: LaneUnit): void {
    this.units--;
    if (this.tail === unit) this.tail = undefined;
    if (this.units > 0) return;
    if (this.keep) setImmediate(() => this.releaseIfIdle());
    else this.releaseIfIdle();
  }

  /** Writes `q` now, or after what is queued. False when the lane no longer holds its connection. */
  send(q: InternalQuery): boolean {
    if (!this.held) return false;
    if (this.full || this.queue.length > 0) {
      this.queue.push(q);
      return true;
    }
    if (!this.connection.execute(q)) this.full = true;
    return true;
  }

  // Gives the connection back through postgres.js's own rule: the empty statement's answer reports whether a
  // transaction is open. None: postgres.js pools the connection. One (a unit's end failed in a way nobody noticed):
  // postgres.js calls the guard instead, and the connection is closed, never pooled.
  private releaseIfIdle(): void {
    if (this.units > 0 || this.releasing || !this.held) return;
    this.releasing = true;
    const connection = this.connection;
    connection.reserved = () => connection.terminate();
    connection.execute(this.emptyStatement());
  }

  // Called by postgres.js whenever nothing is in flight: the pipeline has room again.
  private onReady(): void {
    this.full = false;
    while (!this.full && this.queue.length > 0) {
      const q = this.queue.shift() as InternalQuery;
      if (q.cancelled) continue;
      if (!this.connection.execute(q)) this.full = true;
    }
  }
}

// The lanes of each client, so units of work on the same client can find one to join.
const byClient = new WeakMap<object, Set<Lane>>();

function lanesOf(client: object): Set<Lane> {
  let lanes = byClient.get(client);
  if (lanes === undefined) {
    lanes = new Set();
    byClient.set(client, lanes);
  }
  return lanes;
}

/** Registers a lane opened on `client`. */
export function addLane(client: object, lane: Lane): void {
  lanesOf(client).add(lane);
}

/**
 * A lane of `client` a new unit may take, or undefined when it should ask the pool for a connection: an idle lane
 * first (no request for a connection at all); otherwise, only when every connection of the pool (`max`) is held by
 * units of work, so chaining never stands in for a free connection, the joinable lane with the fewest units.
 */
export function joinableLane(client: object, max: number): Lane | undefined {
  const lanes = lanesOf(client);
  let held = 0;
  let best: Lane | undefined;
  for (const lane of lanes) {
    if (!lane.held) {
      if (lane.size === 0) lanes.delete(lane);
      continue;
    }
    held++;
    if (!lane.joinable) continue;
    if (lane.size === 0) return lane;
    if (best === undefined || lane.size < best.size) best = lane;
  }
  return held >= max ? best : undefined;
}
