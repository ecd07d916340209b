import net from 'node:net';
import type postgres from 'postgres';

// The single-Sync unit of work. postgres.js ends every statement with its own Sync, and every Sync costs the server a
// ReadyForQuery and a flush and the client a wake-up: three per unit (opening, statement, COMMIT) where a bare query
// has one. In the extended protocol everything between two Syncs is one implicit transaction, and a transaction-local
// `set_config` lasts until that Sync. So a unit of one statement needs no BEGIN and no COMMIT if its opening (the
// settings and the role, a prepared statement) and its statement travel under one Sync: the transaction commits at
// the Sync, rolls back there if anything failed, and the connection is idle again either way.
//
// The socket below is where that Sync is taken out. It wraps the socket postgres.js writes to (installed through
// postgres.js's `socket` option) and does nothing to the byte stream unless a lane arms it for one opening:
//   - outgoing: the Sync right after the armed opening's Bind and Execute is dropped, so the opening and the next
//     statement (written in the same step by the lane) share the statement's Sync;
//   - incoming: postgres.js still expects a ReadyForQuery per statement, so one is inserted after the opening's
//     CommandComplete. If the opening fails, the server skips the statement up to its Sync; postgres.js then gets the
//     opening's error, and an error for the statement (it did not run), never an empty success;
//   - errors inside such a segment lose postgres.js's retry routines (a stale prepared statement): postgres.js would
//     retry the statement on its own, after the Sync, without the tenant. The socket reports itself `stale` instead,
//     and the lane closes the connection once its units are done, so its stale statement cache goes with it.
// It counts ReadyForQuery messages to know which answers belong to which segment: every Sync and simple Query (and
// the startup) the server receives answers with exactly one.

/** Starts the text of the opening statement; the socket recognises the opening's prepared statement by it. */
export const OPENING_MARKER = '/* tenancy:open */';
const MARKER_BYTES = Buffer.from(OPENING_MARKER);

// postgres.js retries a prepared statement that failed with one of these (connection.js, retryRoutines).
const RETRY_ROUTINES = new Set(['FetchPreparedStatement', 'RevalidateCachedQuery', 'transformAssignedExpr']);

const READY_IN_TRANSACTION = Buffer.from([0x5a, 0, 0, 0, 5, 0x54]);
const CANCEL_REQUEST_CODE = 80877102;
const SSL_REQUEST_CODE = 80877103;
const GSS_REQUEST_CODE = 80877104;

const Z = 0x5a;
const C = 0x43;
const E = 0x45;
const K = 0x4b;
const S = 0x53;
const P = 0x50;
const B = 0x42;
const EXECUTE = 0x45; // 'E' from the client is Execute
const Q = 0x51;
const F = 0x46;

interface Segment {
  /** ReadyForQuery messages the server sends before this segment's answers begin. */
  readonly after: number;
  phase: 'opening' | 'rest';
  /** An error in the segment had a retry routine: close the connection once the segment is over. */
  stale: boolean;
}

/** A postgres.js socket that can send a unit's opening and its statement under one Sync (see the file comment). */
export class WireShimSocket extends net.Socket {
  private started = false;
  // The socket of a cancel request, or one that saw something it cannot follow: it passes bytes through untouched.
  private bypass = false;
  // Names of the prepared statements whose text starts with the marker (one per config and parameter types).
  private readonly openingNames = new Set<string>();
  private armed = 0;
  // Where the outgoing scan is in an armed opening: 1 after its Bind, 2 after its Execute.
  private openingStep = 0;
  private syncsSent = 0;
  private readyReceived = 0;
  private readonly segments: Segment[] = [];
  // Incoming bytes held back: a message header split between chunks, or a message that may need rewriting.
  private carry: Buffer | undefined;
  // Bytes of a long message (rows) still to pass through untouched.
  private passing = 0;
  private registry: Map<string, WireShimSocket> | undefined;
  private key: string | undefined;
  private staleStatements = false;
  // Set when the lane gives the connection up: whatever postgres.js still writes is dropped, never sent.
  private discarding = false;

  constructor(registry: Map<string, WireShimSocket>) {
    super();
    this.registry = registry;
    this.once('close', () => this.unregister());
  }

  /** True while this socket follows the protocol (a lane may arm it once the opening statement is prepared). */
  get usable(): boolean {
    return !this.bypass && !this.destroyed;
  }

  /**
   * True once a statement of a merged unit failed because its prepared form went stale (postgres.js's retry routines,
   * which this socket hides inside a segment): postgres.js keeps the stale statement, so the connection must not be
   * used by units again. Its lane closes it when its units are done.
   */
  get stale(): boolean {
    return this.staleStatements;
  }

  /**
   * True when an opening statement is prepared on this connection. Whether the one a unit sends is, postgres.js
   * decides when it writes it (Bind/Execute/Sync, or Parse/Describe/Flush first): see `Lane.sendMerged`.
   */
  get ready(): boolean {
    return this.openingNames.size > 0 && this.usable;
  }

  /** The next opening Bind/Execute/Sync written gives up its Sync (see the file comment). */
  arm(): void {
    this.armed++;
  }

  /**
   * From now on nothing written reaches the server: the lane is closing this connection, and postgres.js may still
   * hold statements it has not sent (see `Lane.close`).
   */
  discardWrites(): void {
    this.discarding = true;
  }

  /** Undoes `arm()` when the opening went out another way (it was not prepared yet: Parse/Describe/Flush). */
  disarm(): void {
    if (this.armed > 0) this.armed--;
    this.openingStep = 0;
  }

  // The stream hooks, not `write()`: net.Socket's connect() resets an own `write` over any subclass's. They run in
  // write order; a chunk is always whole messages, as postgres.js writes them.
  override _write(chunk: Buffer, encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.discarding) {
      callback();
      return;
    }
    super._write(this.bypass ? chunk : this.outbound(chunk), encoding, callback);
  }

  override _writev(
    chunks: Array<{ chunk: Buffer; encoding: BufferEncoding }>,
    callback: (error?: Error | null) => void,
  ): void {
    if (this.discarding) {
      callback();
      return;
    }
    const scanned = chunks.map((c) => ({
      chunk: this.bypass ? c.chunk : this.outbound(c.chunk),
      encoding: c.encoding,
    }));
    // Writable marks an all-Buffer batch on the array itself; keep the mark for net.Socket's fast path.
    Object.assign(scanned, { allBuffers: (chunks as { allBuffers?: boolean }).allBuffers });
    super._writev?.(scanned, callback);
  }

  override emit(event: string | symbol, ...args: unknown[]): boolean {
    if (event !== 'data' || this.bypass || !Buffer.isBuffer(args[0])) return super.emit(event, ...args);
    const out = this.inbound(args[0]);
    const emitted = out.length > 0 ? super.emit('data', out) : false;
    return emitted;
  }

  // Scans what postgres.js writes (whole messages, as it always writes them) and drops the armed opening's Sync.
  private outbound(buf: Buffer): Buffer {
    let pos = 0;
    if (!this.started) {
      this.started = true;
      if (buf.length < 8) return this.giveUp(buf);
      const code = buf.readUInt32BE(4);
      if (code === CANCEL_REQUEST_CODE || code === SSL_REQUEST_CODE || code === GSS_REQUEST_CODE) {
        this.bypass = true;
        return buf;
      }
      // The startup message: the server answers it (after authentication) with one ReadyForQuery.
      this.syncsSent++;
      pos = buf.readUInt32BE(0);
    }
    let cuts: number[] | undefined;
    while (pos < buf.length) {
      if (buf.length - pos < 5) return this.giveUp(buf);
      const type = buf[pos] as number;
      const end = pos + 1 + buf.readUInt32BE(pos + 1);
      if (end > buf.length) return this.giveUp(buf);
      if (type === S) {
        if (this.openingStep === 2) {
          cuts ??= [];
          cuts.push(pos);
          this.armed--;
          this.segments.push({ after: this.syncsSent, phase: 'opening', stale: false });
        } else {
          this.syncsSent++;
        }
        this.openingStep = 0;
      } else if (type === EXECUTE) {
        this.openingStep = this.openingStep === 1 ? 2 : 0;
      } else if (type === B) {
        this.openingStep = this.armed > 0 && this.bindsOpening(buf, pos + 5) ? 1 : 0;
      } else {
        this.openingStep = 0;
        if (type === Q || type === F) this.syncsSent++;
        else if (type === P) this.noteParse(buf, pos + 5);
      }
      pos = end;
    }
    if (cuts === undefined) return buf;
    const parts: Buffer[] = [];
    let from = 0;
    for (const cut of cuts) {
      parts.push(buf.subarray(from, cut));
      from = cut + 5;
    }
    parts.push(buf.subarray(from));
    return Buffer.concat(parts);
  }

  // A Parse whose text starts with the marker prepares the opening statement: remember its name.
  private noteParse(buf: Buffer, at: number): void {
    const nameEnd = buf.indexOf(0, at);
    if (nameEnd < 0 || nameEnd === at) return;
    const text = nameEnd + 1;
    if (buf.length - text < MARKER_BYTES.length) return;
    if (buf.compare(MARKER_BYTES, 0, MARKER_BYTES.length, text, text + MARKER_BYTES.length) !== 0) return;
    this.openingNames.add(buf.toString('utf8', at, nameEnd));
  }

  private bindsOpening(buf: Buffer, at: number): boolean {
    const portalEnd = buf.indexOf(0, at);
    if (portalEnd < 0) return false;
    const nameEnd = buf.indexOf(0, portalEnd + 1);
    return nameEnd >= 0 && this.openingNames.has(buf.toString('utf8', portalEnd + 1, nameEnd));
  }

  // Something this socket cannot follow (a message split between writes, which postgres.js never does): stop
  // following. If a segment is in flight its answers can no longer be told apart: close rather than guess.
  private giveUp(buf: Buffer): Buffer {
    this.bypass = true;
    if (this.segments.length > 0 || this.armed > 0) {
      this.destroy(new Error('tenancy: lost track of the PostgreSQL protocol on this connection'));
    }
    return buf;
  }

  private inbound(chunk: Buffer): Buffer {
    let buf = chunk;
    let pos = 0;
    if (this.carry !== undefined) {
      buf = Buffer.concat([this.carry, chunk]);
      this.carry = undefined;
    } else if (this.passing > 0) {
      pos = Math.min(this.passing, buf.length);
      this.passing -= pos;
    }
    let parts: Buffer[] | undefined;
    let from = 0;
    let closeAfter = false;
    while (pos < buf.length) {
      if (buf.length - pos < 5) {
        this.carry = buf.subarray(pos);
        break;
      }
      const type = buf[pos] as number;
      const end = pos + 1 + buf.readUInt32BE(pos + 1);
      if (end > buf.length) {
        if (type === Z || type === C || type === E || type === K) {
          // Short messages this socket reads: wait for the rest.
          this.carry = buf.subarray(pos);
        } else {
          this.passing = end - buf.length;
          pos = buf.length;
          continue;
        }
        break;
      }
      const segment = this.segments[0];
      const current = segment !== undefined && this.readyReceived === segment.after ? segment : undefined;
      if (type === Z) {
        this.readyReceived++;
        if (current !== undefined) {
          this.segments.shift();
          if (current.stale) this.staleStatements = true;
          // The segment ended before its opening was answered: the answers can no longer be told apart.
          if (current.phase === 'opening') closeAfter = true;
        }
      } else if (type === K) {
        this.register(buf.readUInt32BE(pos + 5), buf.readUInt32BE(pos + 9));
      } else if (current !== undefined && (type === C || type === E)) {
        const injected: Buffer[] = [];
        const original = buf.subarray(pos, end);
        let message = original;
        if (type === E) {
          message = withoutRetryRoutine(original);
          if (message !== original) current.stale = true;
        }
        if (current.phase === 'opening') {
          current.phase = 'rest';
          injected.push(READY_IN_TRANSACTION);
          // The statement behind a failed opening was skipped by the server: it fails too, and says why.
          if (type === E) injected.push(SKIPPED_ERROR);
        }
        if (message !== original || injected.length > 0) {
          parts ??= [];
          parts.push(buf.subarray(from, pos), message, ...injected);
          from = end;
        }
      }
      pos = end;
    }
    const kept = this.carry === undefined ? buf.length : buf.length - this.carry.length;
    let out: Buffer;
    if (parts === undefined) {
      out = from === 0 && kept === buf.length ? buf : buf.subarray(from, kept);
    } else {
      parts.push(buf.subarray(from, kept));
      out = Buffer.concat(parts);
    }
    // Deferred so postgres.js first handles what arrived.
    if (closeAfter) setImmediate(() => this.destroy());
    return out;
  }

  private register(pid: number, secret: number): void {
    this.unregister();
    this.key = `${pid}:${secret}`;
    this.registry?.set(this.key, this);
  }

  private unregister(): void {
    if (this.key !== undefined && this.registry?.get(this.key) === this) this.registry.delete(this.key);
    this.key = undefined;
  }
}

// An ErrorResponse for the statement behind a failed opening: SQLSTATE 25P02, as for any statement that follows a
// failure in a transaction.
const SKIPPED_ERROR = errorResponse([
  ['S', 'ERROR'],
  ['V', 'ERROR'],
  ['C', '25P02'],
  ['M', 'not run: the unit of work could not set its tenant (the opening statement failed)'],
]);

function errorResponse(fields: ReadonlyArray<readonly [string, string]>): Buffer {
  const body = Buffer.concat([...fields.map(([k, v]) => Buffer.from(`${k}${v}\0`)), Buffer.from([0])]);
  const head = Buffer.alloc(5);
  head[0] = E;
  head.writeUInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}

// The same ErrorResponse with a retry routine renamed (`tenancy:<routine>`), so postgres.js does not retry.
function withoutRetryRoutine(message: Buffer): Buffer {
  const fields: Array<[string, string]> = [];
  let at = 5;
  let changed = false;
  while (at < message.length && message[at] !== 0) {
    const code = String.fromCharCode(message[at] as number);
    const valueEnd = message.indexOf(0, at + 1);
    if (valueEnd < 0) return message;
    let value = message.toString('utf8', at + 1, valueEnd);
    if (code === 'R' && RETRY_ROUTINES.has(value)) {
      value = `tenancy:${value}`;
      changed = true;
    }
    fields.push([code, value]);
    at = valueEnd + 1;
  }
  return changed ? errorResponse(fields) : message;
}

type Options = postgres.Options<Record<string, postgres.PostgresType>> & {
  host: string[];
  port: number[];
  path?: string | false;
  ssl?: unknown;
  socket?: unknown;
  target_session_attrs?: unknown;
};

const registries = new WeakMap<object, Map<string, WireShimSocket>>();

/**
 * Lets units of work on `client` send one statement under one Sync: sets postgres.js's `socket` option to a
 * `WireShimSocket` factory. Only where this socket can read the protocol and nothing else decides the socket: no
 * TLS (the bytes would be encrypted below it), no `socket` of the user's, one host. Connections opened before keep
 * their sockets and the usual path. Returns whether it is (now) installed.
 */
export function installWireShim(client: postgres.Sql): boolean {
  const options = client.options as unknown as Options;
  if (registries.has(options)) return true;
  if (options.socket !== undefined && options.socket !== null) return false;
  if (options.ssl !== false && options.ssl !== undefined && (options.ssl as unknown) !== 'disable') return false;
  if (options.target_session_attrs) return false;
  const path = typeof options.path === 'string' && options.path !== '' ? options.path : undefined;
  if (path === undefined && (options.host.length !== 1 || options.port.length !== 1)) return false;
  const registry = new Map<string, WireShimSocket>();
  registries.set(options, registry);
  const host = options.host[0] as string;
  const port = options.port[0] as number;
  (options as { socket?: unknown }).socket = () => {
    const socket = new WireShimSocket(registry);
    // postgres.js treats a socket from this option as connected: it writes the startup message at once (the socket
    // queues it) and reports connect errors through the socket's own error and close events.
    if (path !== undefined) socket.connect(path);
    else socket.connect(port, host);
    Object.assign(socket, { host, port });
    return socket;
  };
  return true;
}

/** The shim socket under the connection whose backend is `backend`, if it has one. */
export function wireShimFor(
  client: postgres.Sql,
  backend: { pid: number | null; secret: number | null } | null | undefined,
): WireShimSocket | undefined {
  if (backend == null || backend.pid === null) return undefined;
  return registries.get(client.options)?.get(`${backend.pid}:${backend.secret}`);
}
