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

/**
 * A pooled connection held by units of work (`connection.reserved` is this lane's marker, the mechanism of
 * postgres.js's own `sql.begin`). One unit holds it while its transaction is open; once that unit has written its
 * COMMIT, later units may write whole transactions behind it on the same connection, as postgres.js pipelines plain
 * queries on a busy connection, instead of each waiting for a connection of its own. The transactions never overlap:
 * the server runs one after the other, each sets its own tenant, user and role transaction-locally, and every
 * statement is written in unit order through this one queue.
 *
 * postgres.js returns the connection to the pool on its own when nothing is in flight and no transaction is open;
 * from then on `held` is false and the lane is never used again.
 */
export class Lane {
  readonly marker = (): void => this.onReady();
  private full = false;
  private readonly queue: InternalQuery[] = [];
  private units = 0;
  private tail: LaneUnit | undefined;

  constructor(readonly connection: InternalConnection) {
    connection.reserved = this.marker;
  }

  /** True while postgres.js still keeps the connection for this lane. */
  get held(): boolean {
    return this.connection.reserved === this.marker;
  }

  /** Units attached and not yet finished. */
  get size(): number {
    return this.units;
  }

  /** True when a new unit may write its transaction behind the last one. */
  get joinable(): boolean {
    return (
      this.held &&
      !this.full &&
      this.queue.length === 0 &&
      this.units < MAX_UNITS_PER_LANE &&
      this.tail?.chainable === true
    );
  }

  attach(unit: LaneUnit): void {
    this.units++;
    this.tail = unit;
  }

  detach(unit: LaneUnit): void {
    this.units--;
    if (this.tail === unit) this.tail = undefined;
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

  // Called by postgres.js when nothing is in flight and a transaction is open: the pipeline has room again.
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
 * A lane of `client` a new unit may join, or undefined when it should take a connection of its own. Units join
 * only when every connection of the pool (`max`) is already held by units of work, so chaining never stands in for
 * an idle connection, and then pick the lane with the fewest units.
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
    if (lane.joinable && (best === undefined || lane.size < best.size)) best = lane;
  }
  return held >= max ? best : undefined;
}
