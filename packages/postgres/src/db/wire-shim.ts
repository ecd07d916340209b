import net from 'node:net';
import type postgres from 'postgres';
import type { SettingValues } from './runtime-config.js';

// The single-Sync unit of work. postgres.js ends every statement with its own Sync, and every Sync costs the server a
// ReadyForQuery and a flush and the client a wake-up: three per unit (opening, statement, COMMIT) where a bare query
// has one. In the extended protocol everything between two Syncs is one implicit transaction, and a transaction-local
// `set_config` lasts until that Sync. So a unit of one statement needs no BEGIN and no COMMIT if its opening (the
// settings and the role, a prepared statement) and its statement travel under one Sync: the transaction commits at
// the Sync, rolls back there if anything failed, and the connection is idle again either way.
//
// The socket below writes that opening itself. It is the socket postgres.js writes to (installed through
// postgres.js's `socket` option) and it does nothing to the byte stream unless a lane arms it for one statement:
//   - outgoing: the opening (its Parse, the first time on the connection; a Bind with the unit's values; an Execute)
//     goes in front of the armed statement's first message, so both share the statement's Sync. postgres.js never
//     sees the opening: no query object, no promise, no result to build, which is most of what a unit costs the
//     client beyond its statement. The armed statement is found by name: its Bind carries a portal name unique to the
//     arm (`tenancy:<n>`, postgres.js's `cursorName`, set by the lane and renamed back to the unnamed portal here),
//     and a statement postgres.js prepares in the same step is found by its Parse (the lane tells the name as soon as
//     postgres.js has chosen it, before anything is written);
//   - incoming: the opening's answers (ParseComplete, BindComplete, its row, CommandComplete) are taken out. If the
//     opening fails, the server skips the statement up to the Sync; postgres.js gets the opening's error as the
//     statement's error, then the Sync's ReadyForQuery, exactly as for a statement that failed;
//   - errors inside such a group lose postgres.js's retry routines (a stale prepared statement): postgres.js would
//     retry the statement on its own, after the Sync, without the tenant. The socket reports itself `stale` instead,
//     and the lane closes the connection once its units are done, so its stale statement cache goes with it.
// It counts ReadyForQuery messages to know which answers belong to which group: every Sync and simple Query (and the
// startup) the server receives answers with exactly one, and the opening is always a group's first message.

/** Starts the text of the opening statement, so it is recognisable in the server's logs and statistics. */
export const OPENING_MARKER = '/* tenancy:open */';

/** Portal names of armed statements start with this; postgres.js itself only ever binds the unnamed portal. */
const TAG_PREFIX = 'tenancy:';
const TAG_BYTES = Buffer.from(TAG_PREFIX);

// postgres.js retries a prepared statement that failed with one of these (connection.js, retryRoutines).
const RETRY_ROUTINES = new Set(['FetchPreparedStatement', 'RevalidateCachedQuery', 'transformAssignedExpr']);

const CANCEL_REQUEST_CODE = 80877102;
const SSL_REQUEST_CODE = 80877103;
const GSS_REQUEST_CODE = 80877104;

// Message types. Outgoing (client): Parse, Bind, Execute (also 'E'), Sync, Flush, Query, FunctionCall.
const P = 0x50;
const B = 0x42;
const S = 0x53;
const H = 0x48;
const Q = 0x51;
const F = 0x46;
// Incoming (server): ReadyForQuery, CommandComplete, ErrorResponse, BackendKeyData, ParseComplete, BindComplete,
// DataRow, and the asynchronous ones that may come between any two: NoticeResponse, ParameterStatus (also 'S'),
// NotificationResponse.
const Z = 0x5a;
const C = 0x43;
const E = 0x45;
const K = 0x4b;
const PARSE_COMPLETE = 0x31;
const BIND_COMPLETE = 0x32;
const D = 0x44;
const N = 0x4e;
const A = 0x41;

// What the opening answers with: one row of four columns (tenant, user, workspace, role), then this tag.
const OPENING_COLUMNS = 4;
const SELECT_ONE = Buffer.from('SELECT 1\0');

// The Execute of the opening: the unnamed portal, all rows.
const EXECUTE_OPENING = Buffer.from([0x45, 0, 0, 0, 9, 0, 0, 0, 0, 0]);

/** The opening statement of one config: the name it is prepared under on every connection, and its Parse. */
export interface OpeningStatement {
  readonly name: string;
  readonly parse: Buffer;
  /** What every Bind of it starts with after its length: the unnamed portal, the name, no formats, 4 values. */
  readonly bindHead: Buffer;
  /** The encoded role values seen so far (two at most: the app role and the platform role). */
  readonly roles: Map<string, Buffer>;
}

let openingCount = 0;

/**
 * Compiles the text of an opening (its parameters `$1`..`$4`: tenant, user, workspace, role, all text) into what the
 * socket writes. Each call gets its own statement name, so two configs on one client never share one.
 */
export function openingStatement(text: string): OpeningStatement {
  const name = `tenancy_open_${++openingCount}`;
  const body = Buffer.concat([Buffer.from(`${name}\0${text}\0`), Buffer.from([0, 0])]);
  const bindHead = Buffer.concat([Buffer.from(`\0${name}\0`), Buffer.from([0, 0, 0, OPENING_COLUMNS])]);
  return { name, parse: message(P, body), bindHead, roles: new Map() };
}

/** One armed statement: the opening that goes in front of it (see `WireShimSocket.arm`). */
export interface Arm {
  /** The portal name the statement's Bind carries (set it as the postgres.js query's `cursorName`). */
  readonly tag: string;
}

interface ArmState extends Arm {
  /** The number in the tag, which is how the outgoing Bind finds the arm. */
  readonly id: number;
  readonly opening: OpeningStatement;
  /** Tenant, user, workspace, role: what the opening's Bind carries. */
  readonly values: SettingValues;
  /** The byte lengths of tenant, user and workspace, all ASCII; undefined when one is not (see `bind`). */
  readonly ascii: readonly [number, number, number] | undefined;
  /** The encoded role. */
  readonly role: Buffer;
  /** The opening's whole Bind, encoded ahead, for values that are not all ASCII (else written into the chunk). */
  readonly bind: Buffer | undefined;
  /** The length of the opening's Bind message, type byte included. */
  readonly bindLength: number;
  /** The statement's Parse name when postgres.js prepares it in the same step; the opening goes in front of that. */
  parseName: string | undefined;
  anchored: boolean;
  written: boolean;
}

/** An armed statement in an outgoing chunk (see `outbound`). */
interface Edit {
  /** Where its first message (Parse or Bind) starts. */
  readonly at: number;
  /** The arm whose opening is written in front of it; none when the opening went in front of its Parse. */
  readonly opening: ArmState | undefined;
  /** The opening's Parse goes first: its first use on this connection. */
  readonly parse: boolean;
  /** The portal name of its Bind (`-1` for a Parse): removed, leaving the unnamed portal. */
  readonly portalStart: number;
  readonly portalEnd: number;
}

interface Group {
  /** ReadyForQuery messages the server sends before this group's answers begin. */
  readonly after: number;
  readonly opening: OpeningStatement;
  /** Which of the opening's answers comes next; `rest` once they are all in (or it failed). */
  phase: 'parse' | 'bind' | 'rows' | 'rest';
  /** An error in the group had a retry routine: close the connection once the group is over. */
  stale: boolean;
}

/** A postgres.js socket that writes a unit's opening in front of its statement, under one Sync (see the file comment). */
export class WireShimSocket extends net.Socket {
  private started = false;
  // The socket of a cancel request, or one that saw something it cannot follow: it passes bytes through untouched.
  private bypass = false;
  // Opening statements whose Parse went out on this connection.
  private readonly prepared = new Set<string>();
  private readonly byTag = new Map<number, ArmState>();
  private readonly byParse = new Map<string, ArmState>();
  private arms = 0;
  // Arms whose statement postgres.js is building right now (see `anchor`).
  private unanchored = 0;
  // The group being written (messages since the last Sync): whether it has begun, and the arm that opened it.
  private groupStarted = false;
  private groupArm: ArmState | undefined;
  private syncsSent = 0;
  private readyReceived = 0;
  private readonly groups: Group[] = [];
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

  /** True while this socket follows the protocol: a lane may arm it. */
  get usable(): boolean {
    return !this.bypass && !this.destroyed;
  }

  /**
   * True once a statement of an armed group failed because its prepared form went stale (postgres.js's retry
   * routines, which this socket hides inside such a group), or the opening's own Parse failed: postgres.js keeps the
   * stale statement, so the connection must not be used by units again. Its lane closes it when its units are done.
   */
  get stale(): boolean {
    return this.staleStatements;
  }

  /**
   * Arms the socket for one statement: `opening`, with `values` (tenant, user, workspace, role), goes in front of it.
   * The statement is the one whose Bind names the returned `tag` as its portal, or whose Parse is named by `anchor`
   * once postgres.js has built it.
   */
  arm(opening: OpeningStatement, values: SettingValues): Arm {
    const id = ++this.arms;
    const tenant = asciiLength(values[0]);
    const user = asciiLength(values[1]);
    const workspace = asciiLength(values[2]);
    const ascii = tenant < 0 || user < 0 || workspace < 0 ? undefined : ([tenant, user, workspace] as const);
    const role = roleBytes(opening, values[3]);
    const bind = ascii === undefined ? openingBind(opening, values, role) : undefined;
    const state: ArmState = {
      tag: `${TAG_PREFIX}${id}`,
      id,
      opening,
      values,
      ascii,
      role,
      bind,
      bindLength: bind?.length ?? 5 + opening.bindHead.length + 16 + tenant + user + workspace + role.length + 2,
      parseName: undefined,
      anchored: false,
      written: false,
    };
    this.unanchored++;
    this.byTag.set(id, state);
    return state;
  }

  /**
   * Tells how the armed statement went out, right after postgres.js built it: `parseName` when postgres.js prepares it
   * in the same step (the opening then goes in front of that Parse, so the statement is parsed in the unit's role
   * too), undefined when it was prepared already (its Bind, with the arm's portal, starts its group). Until every arm
   * is anchored, what postgres.js writes is held back a microtask.
   */
  anchor(arm: Arm, parseName: string | undefined): void {
    const state = arm as ArmState;
    if (state.anchored) return;
    state.anchored = true;
    this.unanchored--;
    if (parseName !== undefined && !state.written) {
      state.parseName = parseName;
      this.byParse.set(parseName, state);
    }
  }

  /** Forgets an arm whose statement was never written (postgres.js refused it, or could not build it). */
  disarm(arm: Arm): void {
    const state = arm as ArmState;
    if (!state.anchored) {
      state.anchored = true;
      this.unanchored--;
    }
    this.byTag.delete(state.id);
    if (state.parseName !== undefined && this.byParse.get(state.parseName) === state) {
      this.byParse.delete(state.parseName);
    }
  }

  /**
   * From now on nothing written reaches the server: the lane is closing this connection, and postgres.js may still
   * hold statements it has not sent (see `Lane.close`).
   */
  discardWrites(): void {
    this.discarding = true;
  }

  // The stream hooks, not `write()`: net.Socket's connect() resets an own `write` over any subclass's. They run in
  // write order; a chunk is always whole messages, as postgres.js writes them.
  override _write(chunk: Buffer, encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    // Written while postgres.js builds an armed statement (its buffer passed 1 KiB): the lane anchors the arm before
    // the next microtask.
    if (this.unanchored > 0) queueMicrotask(() => this.writeNow(chunk, encoding, callback));
    else this.writeNow(chunk, encoding, callback);
  }

  override _writev(
    chunks: Array<{ chunk: Buffer; encoding: BufferEncoding }>,
    callback: (error?: Error | null) => void,
  ): void {
    if (this.unanchored > 0) queueMicrotask(() => this.writevNow(chunks, callback));
    else this.writevNow(chunks, callback);
  }

  private writeNow(chunk: Buffer, encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    const out = this.discarding || this.bypass ? chunk : this.outbound(chunk);
    if (this.discarding || this.destroyed) {
      callback();
      return;
    }
    super._write(out, encoding, callback);
  }

  private writevNow(
    chunks: Array<{ chunk: Buffer; encoding: BufferEncoding }>,
    callback: (error?: Error | null) => void,
  ): void {
    const scanned = chunks.map((c) => ({
      chunk: this.discarding || this.bypass ? c.chunk : this.outbound(c.chunk),
      encoding: c.encoding,
    }));
    if (this.discarding || this.destroyed) {
      callback();
      return;
    }
    // Writable marks an all-Buffer batch on the array itself; keep the mark for net.Socket's fast path.
    Object.assign(scanned, { allBuffers: (chunks as { allBuffers?: boolean }).allBuffers });
    super._writev?.(scanned, callback);
  }

  override emit(event: string | symbol, ...args: unknown[]): boolean {
    if (event !== 'data' || this.bypass || !Buffer.isBuffer(args[0])) return super.emit(event, ...args);
    const out = this.inbound(args[0]);
    return out.length > 0 ? super.emit('data', out) : false;
  }

  // Scans what postgres.js writes (whole messages, as it always writes them): puts each armed statement's opening in
  // front of it and gives its Bind back the unnamed portal.
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
    // Armed statements found in this chunk: where each starts, the opening to write in front of it, and where the
    // portal name of its Bind lies (renamed to the unnamed portal). Written out in one piece at the end.
    let edits: Edit[] | undefined;
    while (pos < buf.length) {
      if (buf.length - pos < 5) return this.giveUp(buf);
      const type = buf[pos] as number;
      const end = pos + 1 + u32(buf, pos + 1);
      if (end > buf.length) return this.giveUp(buf);
      if (type === S || type === Q || type === F) {
        this.syncsSent++;
        // A statement that never got to its Bind (its Parse or the opening failed): its arm ends with its group.
        if (this.groupArm !== undefined) this.byTag.delete(this.groupArm.id);
        this.groupStarted = false;
        this.groupArm = undefined;
      } else if (type === P) {
        const arm = this.byParse.size > 0 ? this.byParse.get(cString(buf, pos + 5)) : undefined;
        if (arm !== undefined) {
          this.byParse.delete(arm.parseName as string);
          if (this.groupStarted) return this.lost();
          edits ??= [];
          edits.push({ at: pos, opening: arm, parse: this.open(arm), portalStart: -1, portalEnd: -1 });
        }
        this.groupStarted = true;
      } else if (type === B) {
        if (hasTagPrefix(buf, pos + 5)) {
          const portalEnd = zeroAt(buf, pos + 5, end);
          const arm = this.byTag.get(tagNumber(buf, pos + 5 + TAG_BYTES.length, portalEnd));
          if (arm === undefined) return this.lost();
          this.byTag.delete(arm.id);
          let opening: ArmState | undefined;
          let parse = false;
          if (this.groupArm !== arm) {
            // Not opened at its Parse: it must start its group, or the opening's answers would not come first.
            if (this.groupStarted || arm.parseName !== undefined) return this.lost();
            opening = arm;
            parse = this.open(arm);
          }
          edits ??= [];
          edits.push({ at: pos, opening, parse, portalStart: pos + 5, portalEnd });
        }
        this.groupStarted = true;
      } else if (type !== H) {
        this.groupStarted = true;
      }
      pos = end;
    }
    return edits === undefined ? buf : applyEdits(buf, edits);
  }

  // The opening goes in front of the statement that starts a group; its answers will come first in that group. True
  // when its Parse goes too (its first use on this connection).
  private open(arm: ArmState): boolean {
    arm.written = true;
    this.groupArm = arm;
    const parse = !this.prepared.has(arm.opening.name);
    if (parse) this.prepared.add(arm.opening.name);
    this.groups.push({ after: this.syncsSent, opening: arm.opening, phase: parse ? 'parse' : 'bind', stale: false });
    return parse;
  }

  // Something this socket cannot follow (a message split between writes, which postgres.js never does): stop
  // following. If an armed group is in flight its answers can no longer be told apart: close rather than guess.
  private giveUp(buf: Buffer): Buffer {
    if (this.groups.length > 0 || this.byTag.size > 0) return this.lost();
    this.bypass = true;
    return buf;
  }

  // An armed statement out of place, or a tagged Bind nobody armed: nothing of it may reach the server.
  private lost(): Buffer {
    this.bypass = true;
    this.destroy(new Error('tenancy: lost track of the PostgreSQL protocol on this connection'));
    return EMPTY;
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
      const end = pos + 1 + u32(buf, pos + 1);
      const group = this.groups[0];
      const current = group !== undefined && this.readyReceived === group.after ? group : undefined;
      if (end > buf.length) {
        if (type === Z || type === C || type === E || type === K || (type === D && current?.phase === 'rows')) {
          // Messages this socket reads or drops whole: wait for the rest.
          this.carry = buf.subarray(pos);
        } else {
          this.passing = end - buf.length;
          pos = buf.length;
          continue;
        }
        break;
      }
      // Undefined: pass the message on. EMPTY: drop it. Otherwise: pass this instead.
      let out: Buffer | undefined;
      if (type === Z) {
        this.readyReceived++;
        if (current !== undefined) {
          this.groups.shift();
          if (current.stale) this.staleStatements = true;
          // The group ended before its opening was answered: the answers can no longer be told apart.
          if (current.phase !== 'rest') closeAfter = true;
        }
      } else if (type === K) {
        this.register(u32(buf, pos + 5), u32(buf, pos + 9));
      } else if (current !== undefined) {
        if (type === E) {
          const original = buf.subarray(pos, end);
          const renamed = withoutRetryRoutine(original);
          if (renamed !== original) current.stale = true;
          if (current.phase === 'parse') {
            // The opening was not prepared after all; groups already sent behind this one fail on it.
            this.prepared.delete(current.opening.name);
            current.stale = true;
          }
          // In the opening or after it: postgres.js reads it as its statement's error (the statement did not run).
          current.phase = 'rest';
          if (renamed !== original) out = renamed;
        } else if (current.phase !== 'rest' && type !== N && type !== A && type !== S) {
          // The opening's answers have one shape: its row has four columns, its tag is SELECT 1. Anything else
          // means the socket lost its place in the stream, and it closes rather than drop someone else's answer.
          const expected =
            current.phase === 'parse'
              ? type === PARSE_COMPLETE
              : current.phase === 'bind'
                ? type === BIND_COMPLETE
                : type === D
                  ? end - pos >= 7 && buf[pos + 5] === 0 && buf[pos + 6] === OPENING_COLUMNS
                  : type === C && end - pos - 5 === SELECT_ONE.length && bytesAt(buf, pos + 5, SELECT_ONE);
          if (!expected) {
            this.lost();
            return EMPTY;
          }
          if (type === PARSE_COMPLETE) current.phase = 'bind';
          else if (type === BIND_COMPLETE) current.phase = 'rows';
          else if (type === C) current.phase = 'rest';
          out = EMPTY;
        }
      }
      if (out !== undefined) {
        // Dropped right where the last cut ended (the opening's answers at the start of a chunk, the usual case):
        // nothing to copy, the result starts further on.
        if (out.length > 0 || pos !== from) {
          parts ??= [];
          parts.push(buf.subarray(from, pos));
          if (out.length > 0) parts.push(out);
        }
        from = end;
      }
      pos = end;
    }
    const kept = this.carry === undefined ? buf.length : buf.length - this.carry.length;
    let result: Buffer;
    if (parts === undefined) {
      result = from === 0 && kept === buf.length ? buf : buf.subarray(from, kept);
    } else {
      parts.push(buf.subarray(from, kept));
      result = Buffer.concat(parts);
    }
    // Deferred so postgres.js first handles what arrived.
    if (closeAfter) setImmediate(() => this.destroy());
    return result;
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

const EMPTY = Buffer.alloc(0);

function message(type: number, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head[0] = type;
  head.writeUInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}

function cString(buf: Buffer, at: number): string {
  const end = buf.indexOf(0, at);
  return buf.toString('utf8', at, end < 0 ? buf.length : end);
}

// The opening's Bind: the unnamed portal, the opening statement, every value as text (tenant, user, workspace,
// role). Encoded ahead only for values that are not all ASCII (see `writeOpeningBind` for the usual case).
function openingBind(opening: OpeningStatement, values: SettingValues, roleValue: Buffer): Buffer {
  const [tenant, user, workspace] = values;
  const tenantLength = Buffer.byteLength(tenant, 'utf8');
  const userLength = Buffer.byteLength(user, 'utf8');
  const workspaceLength = Buffer.byteLength(workspace, 'utf8');
  const head = opening.bindHead;
  // Length field, head, four value lengths and values, the result-format count.
  const length = 4 + head.length + 16 + tenantLength + userLength + workspaceLength + roleValue.length + 2;
  const out = Buffer.allocUnsafe(1 + length);
  out[0] = B;
  out.writeUInt32BE(length, 1);
  let at = 5 + head.copy(out, 5);
  at = out.writeInt32BE(tenantLength, at);
  at += out.write(tenant, at, tenantLength, 'utf8');
  at = out.writeInt32BE(userLength, at);
  at += out.write(user, at, userLength, 'utf8');
  at = out.writeInt32BE(workspaceLength, at);
  at += out.write(workspace, at, workspaceLength, 'utf8');
  at = out.writeInt32BE(roleValue.length, at);
  at += roleValue.copy(out, at);
  out.writeUInt16BE(0, at);
  return out;
}

// The encoded role (two per opening at most: the app role and the platform role), computed once.
function roleBytes(opening: OpeningStatement, role: string): Buffer {
  let bytes = opening.roles.get(role);
  if (bytes === undefined) {
    bytes = Buffer.from(role, 'utf8');
    opening.roles.set(role, bytes);
  }
  return bytes;
}

// Writes the opening's Bind of `arm` at `at` and returns where it ends. Built for every unit, so only what varies is
// encoded, straight into the outgoing chunk: the head and the role's bytes are the opening's, and the ids (uuids,
// digits, most texts) are ASCII, which the Latin-1 writer copies as they are for a fraction of what the UTF-8
// encoder and its length count cost.
function writeOpeningBind(out: Buffer, start: number, arm: ArmState): number {
  if (arm.bind !== undefined) return put(out, start, arm.bind, 0, arm.bind.length);
  const lengths = arm.ascii as readonly [number, number, number];
  const values = arm.values;
  const head = arm.opening.bindHead;
  out[start] = B;
  setU32(out, start + 1, arm.bindLength - 1);
  let at = put(out, start + 5, head, 0, head.length);
  for (let v = 0; v < 3; v++) {
    const length = lengths[v] as number;
    setU32(out, at, length);
    at += 4;
    if (length > 0) at += (out as StringWriters).latin1Write(values[v] as string, at, length);
  }
  const role = arm.role;
  setU32(out, at, role.length);
  at = put(out, at + 4, role, 0, role.length);
  out[at] = 0;
  out[at + 1] = 0;
  return at + 2;
}

// One chunk with its edits applied, in one allocation: each opening in front of its statement, and each tagged Bind
// (`B`, length, portal name) rewritten to name the unnamed portal.
function applyEdits(buf: Buffer, edits: readonly Edit[]): Buffer {
  let total = buf.length;
  for (const edit of edits) {
    const arm = edit.opening;
    if (arm !== undefined) {
      total += arm.bindLength + EXECUTE_OPENING.length;
      if (edit.parse) total += arm.opening.parse.length;
    }
    if (edit.portalStart >= 0) total -= edit.portalEnd - edit.portalStart;
  }
  const out = Buffer.allocUnsafe(total);
  let from = 0;
  let at = 0;
  for (const edit of edits) {
    at = put(out, at, buf, from, edit.at);
    const arm = edit.opening;
    if (arm !== undefined) {
      if (edit.parse) at = put(out, at, arm.opening.parse, 0, arm.opening.parse.length);
      at = writeOpeningBind(out, at, arm);
      at = put(out, at, EXECUTE_OPENING, 0, EXECUTE_OPENING.length);
    }
    if (edit.portalStart < 0) {
      from = edit.at;
      continue;
    }
    out[at] = B;
    setU32(out, at + 1, u32(buf, edit.at + 1) - (edit.portalEnd - edit.portalStart));
    at += 5;
    // The portal name's terminator stays: an empty name.
    from = edit.portalEnd;
  }
  put(out, at, buf, from, buf.length);
  return out;
}

// Copies source[from, to) to out at `at` and returns where it ends; byte by byte when that is cheaper than a call
// to Buffer#copy (a few bytes: the Execute, a short role name).
function put(out: Buffer, at: number, source: Buffer, from: number, to: number): number {
  const length = to - from;
  if (length > 16) return at + source.copy(out, at, from, to);
  for (let i = 0; i < length; i++) out[at + i] = source[from + i] as number;
  return at + length;
}

// A big-endian unsigned 32-bit integer (message lengths), without Buffer's argument checks: callers check bounds.
function u32(buf: Buffer, at: number): number {
  return (
    (((buf[at] as number) << 24) |
      ((buf[at + 1] as number) << 16) |
      ((buf[at + 2] as number) << 8) |
      (buf[at + 3] as number)) >>>
    0
  );
}

function setU32(out: Buffer, at: number, value: number): void {
  out[at] = value >>> 24;
  out[at + 1] = (value >>> 16) & 0xff;
  out[at + 2] = (value >>> 8) & 0xff;
  out[at + 3] = value & 0xff;
}

// The byte length of `value` when it is all ASCII, else -1: its UTF-8 form has as many bytes as it has characters
// exactly when it is ASCII. Encoding into a scratch buffer tells that faster than a character loop, which on strings
// built by concatenation goes through the runtime for every character.
function asciiLength(value: string): number {
  if (value === '') return 0;
  if (value.length > SCRATCH.length / 3) return -1;
  return SCRATCH.utf8Write(value, 0, SCRATCH.length) === value.length ? value.length : -1;
}

// Node's string writers behind Buffer#write, without its encoding dispatch (untyped in @types/node).
type StringWriters = Buffer & {
  latin1Write(value: string, offset: number, length: number): number;
  utf8Write(value: string, offset: number, length: number): number;
};

const SCRATCH = Buffer.allocUnsafe(1024) as StringWriters;

// The first zero byte in buf[from, end), or -1.
function zeroAt(buf: Buffer, from: number, end: number): number {
  for (let i = from; i < end; i++) if (buf[i] === 0) return i;
  return -1;
}

// True when `bytes` is at buf[at...].
function bytesAt(buf: Buffer, at: number, bytes: Buffer): boolean {
  for (let i = 0; i < bytes.length; i++) if (buf[at + i] !== bytes[i]) return false;
  return true;
}

// postgres.js binds only the unnamed portal, so a portal name starting with the tag prefix is an armed statement.
function hasTagPrefix(buf: Buffer, at: number): boolean {
  return at + TAG_BYTES.length <= buf.length && bytesAt(buf, at, TAG_BYTES);
}

// The arm number after the tag prefix (decimal digits up to `end`); -1 when it is not one.
function tagNumber(buf: Buffer, from: number, end: number): number {
  if (end <= from || end - from > 15) return -1;
  let n = 0;
  for (let i = from; i < end; i++) {
    const digit = (buf[i] as number) - 0x30;
    if (digit < 0 || digit > 9) return -1;
    n = n * 10 + digit;
  }
  return n;
}

// The same ErrorResponse with a retry routine renamed (`tenancy:<routine>`), so postgres.js does not retry.
function withoutRetryRoutine(original: Buffer): Buffer {
  const fields: Buffer[] = [];
  let at = 5;
  let changed = false;
  while (at < original.length && original[at] !== 0) {
    const code = String.fromCharCode(original[at] as number);
    const valueEnd = original.indexOf(0, at + 1);
    if (valueEnd < 0) return original;
    let value = original.toString('utf8', at + 1, valueEnd);
    if (code === 'R' && RETRY_ROUTINES.has(value)) {
      value = `tenancy:${value}`;
      changed = true;
    }
    fields.push(Buffer.from(`${code}${value}\0`));
    at = valueEnd + 1;
  }
  return changed ? message(E, Buffer.concat([...fields, Buffer.from([0])])) : original;
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
