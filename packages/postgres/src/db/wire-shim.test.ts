// The shim socket's protocol bookkeeping on hand-built message streams: where it writes the opening, which answers it
// takes out, what it does with errors, and that the answer does not depend on how the bytes are split.
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import type { SettingValues } from './runtime-config.js';
import type { Arm } from './wire-shim.js';
import { OPENING_MARKER, openingStatement, WireShimSocket } from './wire-shim.js';

const msg = (type: string, body: Buffer = Buffer.alloc(0)): Buffer => {
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeUInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
};
const cstr = (s: string) => Buffer.from(`${s}\0`);
const int16 = (n: number) => {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
};

// Client messages, as postgres.js writes them.
const startup = (() => {
  const body = Buffer.concat([Buffer.from([0, 3, 0, 0]), cstr('user'), cstr('app'), Buffer.from([0])]);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(body.length + 4);
  return Buffer.concat([len, body]);
})();
const parse = (name: string, text: string) => msg('P', Buffer.concat([cstr(name), cstr(text), int16(0)]));
const describeStatement = (name: string) => msg('D', Buffer.concat([Buffer.from('S'), cstr(name)]));
const bind = (name: string, portal = '') =>
  msg('B', Buffer.concat([cstr(portal), cstr(name), int16(0), int16(0), int16(0)]));
const execute = msg('E', Buffer.concat([cstr(''), Buffer.alloc(4)]));
const sync = msg('S');
const flush = msg('H');
const query = (text: string) => msg('Q', cstr(text));

// Server messages.
const ready = (status: 'I' | 'T' | 'E') => msg('Z', Buffer.from(status));
const parseComplete = msg('1');
const bindComplete = msg('2');
const noData = msg('n');
const parameters = msg('t', int16(0));
const dataRow = (value: string) =>
  msg(
    'D',
    Buffer.concat([
      int16(1),
      (() => {
        const b = Buffer.alloc(4);
        b.writeUInt32BE(Buffer.byteLength(value));
        return b;
      })(),
      Buffer.from(value),
    ]),
  );
const complete = (tag: string) => msg('C', cstr(tag));
const backendKey = msg('K', Buffer.from([0, 0, 0, 42, 0, 0, 0, 7]));
const error = (fields: Record<string, string>) =>
  msg('E', Buffer.concat([...Object.entries(fields).map(([k, v]) => Buffer.from(`${k}${v}\0`)), Buffer.from([0])]));

const OPENING = openingStatement(`${OPENING_MARKER} select pg_catalog.set_config('tenancy.tenant_id', $1, true)`);
const VALUES: SettingValues = ['t-1', '', '', 'app'];

// The opening's Bind as the socket writes it: the unnamed portal, the opening statement, the values as text.
const openingBind = (values: readonly string[] = VALUES) =>
  msg(
    'B',
    Buffer.concat([
      cstr(''),
      cstr(OPENING.name),
      int16(0),
      int16(values.length),
      ...values.map((v) => {
        const b = Buffer.alloc(4);
        b.writeInt32BE(Buffer.byteLength(v));
        return Buffer.concat([b, Buffer.from(v)]);
      }),
      int16(0),
    ]),
  );

// The opening's answers: what the server sends for it and the socket takes out.
const openingRow = msg(
  'D',
  Buffer.concat([
    int16(4),
    ...['t-1', '', '', 'app'].map((v) => {
      const b = Buffer.alloc(4);
      b.writeInt32BE(Buffer.byteLength(v));
      return Buffer.concat([b, Buffer.from(v)]);
    }),
  ]),
);
const openingAnswers = (parsed: boolean) =>
  Buffer.concat([...(parsed ? [parseComplete] : []), bindComplete, openingRow, complete('SELECT 1')]);

interface ShimInternals {
  outbound(buf: Buffer): Buffer;
  inbound(buf: Buffer): Buffer;
}

// A socket that has started up and prepared a statement (s2): nothing owed.
function startedShim(): { shim: WireShimSocket; internals: ShimInternals; registry: Map<string, WireShimSocket> } {
  const registry = new Map<string, WireShimSocket>();
  const shim = new WireShimSocket(registry);
  const internals = shim as unknown as ShimInternals;
  internals.outbound(startup);
  internals.outbound(Buffer.concat([parse('s2', 'select 1'), sync]));
  internals.inbound(Buffer.concat([backendKey, ready('I'), parseComplete, ready('I')]));
  return { shim, internals, registry };
}

// Feeds `stream` split at `at` and returns everything the shim passed on.
function receive(internals: ShimInternals, stream: Buffer, at: number): Buffer {
  return Buffer.concat([internals.inbound(stream.subarray(0, at)), internals.inbound(stream.subarray(at))]);
}

// Arms `shim` and writes the armed prepared statement s2 (Bind tagged with the arm's portal).
function writeArmed(shim: WireShimSocket, internals: ShimInternals, values: SettingValues = VALUES): Buffer {
  const arm: Arm = shim.arm(OPENING, values);
  shim.anchor(arm, undefined);
  return internals.outbound(Buffer.concat([bind('s2', arm.tag), execute, sync]));
}

// The errors `shim` is destroyed with (postgres.js listens for them on a real connection).
function destroyErrors(shim: WireShimSocket): string[] {
  const errors: string[] = [];
  shim.on('error', (e: Error) => errors.push(e.message));
  return errors;
}

// `shim` gave the connection up: destroyed, with the error postgres.js reports for it.
async function expectLost(shim: WireShimSocket, errors: string[]): Promise<void> {
  expect(shim.destroyed).toBe(true);
  await new Promise((resolve) => setImmediate(resolve));
  expect(errors).toEqual(['tenancy: lost track of the PostgreSQL protocol on this connection']);
}

const statementAnswers = Buffer.concat([bindComplete, dataRow('1'), complete('SELECT 1'), ready('I')]);

describe('WireShimSocket', () => {
  it('registers under the backend key', () => {
    const { registry, shim } = startedShim();
    expect(registry.get('42:7')).toBe(shim);
  });

  it('passes everything through untouched while nobody armed it', () => {
    const { internals } = startedShim();
    const out = Buffer.concat([bind('s2'), execute, sync, parse('s3', 'select 2'), describeStatement('s3'), flush]);
    expect(internals.outbound(out)).toEqual(out);
    const answers = Buffer.concat([bindComplete, dataRow('t'), complete('SELECT 1'), ready('I')]);
    expect(internals.inbound(answers)).toEqual(answers);
  });

  it('writes the opening in front of the armed statement, with its Parse the first time only', () => {
    const { shim, internals } = startedShim();
    expect(writeArmed(shim, internals)).toEqual(
      Buffer.concat([OPENING.parse, openingBind(), execute, bind('s2'), execute, sync]),
    );
    internals.inbound(Buffer.concat([openingAnswers(true), statementAnswers]));
    const values: SettingValues = ['t-2', 'u-1', 'w-1', 'app'];
    expect(writeArmed(shim, internals, values)).toEqual(
      Buffer.concat([openingBind(values), execute, bind('s2'), execute, sync]),
    );
  });

  it('encodes every value of the opening, multi-byte text and each role alike', () => {
    const { shim, internals } = startedShim();
    const rounds: SettingValues[] = [
      ['café-é', '', '', 'app'],
      ['t-3', 'u-é', '', 'platform'],
      ['t-4', '', 'w-€', 'app'],
      ['', '', '', 'platform'],
    ];
    rounds.forEach((values, i) => {
      const written = writeArmed(shim, internals, values);
      const expected = [openingBind(values), execute, bind('s2'), execute, sync];
      expect(written).toEqual(Buffer.concat(i === 0 ? [OPENING.parse, ...expected] : expected));
      internals.inbound(Buffer.concat([openingAnswers(i === 0), statementAnswers]));
    });
  });

  it.each([0, 1, 3, 5, 6, 7, 12, 20, 31, 40])(
    'takes the opening answers out and passes the statement answers on (split at byte %i)',
    (at) => {
      const { shim, internals } = startedShim();
      writeArmed(shim, internals);
      expect(receive(internals, Buffer.concat([openingAnswers(true), statementAnswers]), at)).toEqual(statementAnswers);
      writeArmed(shim, internals);
      expect(receive(internals, Buffer.concat([openingAnswers(false), statementAnswers]), at)).toEqual(
        statementAnswers,
      );
    },
  );

  it('answers earlier statements first: the opening answers come after the ReadyForQuery still owed', () => {
    const { shim, internals } = startedShim();
    // A plain statement in flight, then an armed one behind it.
    internals.outbound(query('select 2'));
    writeArmed(shim, internals);
    const earlier = Buffer.concat([msg('T', int16(0)), complete('SELECT 1'), ready('I')]);
    expect(internals.inbound(Buffer.concat([earlier, openingAnswers(true), statementAnswers]))).toEqual(
      Buffer.concat([earlier, statementAnswers]),
    );
  });

  it('gives the statement behind a failed opening the opening error, never an empty success', () => {
    const { shim, internals } = startedShim();
    writeArmed(shim, internals);
    const failure = error({ S: 'ERROR', C: '22023', M: 'role "x" does not exist', R: 'call_string_check_hook' });
    // The server skipped the statement: the error and the Sync's ReadyForQuery are all postgres.js gets, and all it
    // needs to fail the statement.
    expect(internals.inbound(Buffer.concat([parseComplete, bindComplete, failure, ready('I')]))).toEqual(
      Buffer.concat([failure, ready('I')]),
    );
    expect(shim.stale).toBe(false);
    // The opening stays prepared: the next one binds it without a Parse.
    expect(writeArmed(shim, internals)).toEqual(Buffer.concat([openingBind(), execute, bind('s2'), execute, sync]));
  });

  it('prepares the opening again after its Parse failed, and gives the connection up', () => {
    const { shim, internals } = startedShim();
    writeArmed(shim, internals);
    const failure = error({ S: 'ERROR', C: '42883', M: 'function does not exist' });
    expect(internals.inbound(Buffer.concat([failure, ready('I')]))).toEqual(Buffer.concat([failure, ready('I')]));
    expect(shim.stale).toBe(true);
    expect(writeArmed(shim, internals).subarray(0, OPENING.parse.length)).toEqual(OPENING.parse);
  });

  it('opens a statement prepared in the same step in front of its Parse, so it is parsed in the unit role', () => {
    const { shim, internals } = startedShim();
    const arm = shim.arm(OPENING, VALUES);
    shim.anchor(arm, 's3');
    // postgres.js describes a new statement with parameters first, and binds it once the answer is in.
    expect(internals.outbound(Buffer.concat([parse('s3', 'select $1'), describeStatement('s3'), flush]))).toEqual(
      Buffer.concat([OPENING.parse, openingBind(), execute, parse('s3', 'select $1'), describeStatement('s3'), flush]),
    );
    const described = Buffer.concat([parseComplete, parameters, noData]);
    expect(internals.inbound(Buffer.concat([openingAnswers(true), described]))).toEqual(described);
    expect(internals.outbound(Buffer.concat([bind('s3', arm.tag), execute, sync]))).toEqual(
      Buffer.concat([bind('s3'), execute, sync]),
    );
    const answers = Buffer.concat([bindComplete, complete('SELECT 1'), ready('I')]);
    expect(internals.inbound(answers)).toEqual(answers);
  });

  it('holds back a write made while postgres.js builds an armed statement until the lane anchors it', async () => {
    // postgres.js writes synchronously once its buffer passes 1 KiB, inside the build of the armed statement: the
    // Parse must still get the opening in front of it.
    const received: Buffer[] = [];
    const server = net.createServer((c) => c.on('data', (d: Buffer) => received.push(d)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const shim = new WireShimSocket(new Map());
    shim.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
    await new Promise((resolve) => shim.once('connect', resolve));
    try {
      shim.write(startup);
      const arm = shim.arm(OPENING, VALUES);
      const statement = Buffer.concat([parse('s3', 'select $1'), describeStatement('s3'), flush]);
      shim.write(statement);
      shim.anchor(arm, 's3');
      const expected = Buffer.concat([startup, OPENING.parse, openingBind(), execute, statement]);
      for (let i = 0; i < 100 && Buffer.concat(received).length < expected.length; i++) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      expect(Buffer.concat(received)).toEqual(expected);
    } finally {
      shim.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('renames a retry routine inside an armed group, so postgres.js does not rerun the statement without the tenant', async () => {
    const { shim, internals } = startedShim();
    writeArmed(shim, internals);
    const stale = error({
      S: 'ERROR',
      C: '0A000',
      M: 'cached plan must not change result type',
      R: 'RevalidateCachedQuery',
    });
    const out = internals.inbound(Buffer.concat([openingAnswers(true), stale, ready('I')]));
    const text = out.toString('latin1');
    expect(text).toContain('Rtenancy:RevalidateCachedQuery\0');
    expect(text).not.toContain('RRevalidateCachedQuery\0');
    expect(out.subarray(out.length - 6)).toEqual(ready('I'));
    // postgres.js's statement cache is stale now: the socket says so, for its lane to close it.
    expect(shim.stale).toBe(true);
    await new Promise((resolve) => setImmediate(resolve));
    expect(shim.destroyed).toBe(false);
  });

  it('leaves errors outside an armed group alone', () => {
    const { shim, internals } = startedShim();
    internals.outbound(Buffer.concat([bind('s2'), execute, sync]));
    const stale = error({
      S: 'ERROR',
      C: '0A000',
      M: 'cached plan must not change result type',
      R: 'RevalidateCachedQuery',
    });
    const answers = Buffer.concat([stale, ready('I')]);
    expect(internals.inbound(answers)).toEqual(answers);
    expect(shim.stale).toBe(false);
  });

  it('lets nothing through and closes when a tagged Bind has no arm', async () => {
    const { shim, internals } = startedShim();
    const errors = destroyErrors(shim);
    const arm = shim.arm(OPENING, VALUES);
    shim.disarm(arm);
    expect(internals.outbound(Buffer.concat([bind('s2', arm.tag), execute, sync]))).toEqual(Buffer.alloc(0));
    await expectLost(shim, errors);
  });

  it('closes rather than open a group some other statement started', async () => {
    const { shim, internals } = startedShim();
    const errors = destroyErrors(shim);
    const arm = shim.arm(OPENING, VALUES);
    expect(internals.outbound(Buffer.concat([bind('s2'), execute, bind('s2', arm.tag), execute, sync]))).toEqual(
      Buffer.alloc(0),
    );
    await expectLost(shim, errors);
  });

  it('closes rather than take out an answer that is not the opening one', async () => {
    const { shim, internals } = startedShim();
    const errors = destroyErrors(shim);
    writeArmed(shim, internals);
    // A row of one column where the opening row has four: the socket lost its place; nothing more reaches postgres.js.
    expect(internals.inbound(Buffer.concat([parseComplete, bindComplete, dataRow('1'), complete('SELECT 1')]))).toEqual(
      Buffer.alloc(0),
    );
    await expectLost(shim, errors);
  });

  it('closes when a group ends before its opening was answered', async () => {
    const { shim, internals } = startedShim();
    writeArmed(shim, internals);
    internals.inbound(Buffer.concat([parseComplete, ready('I')]));
    await new Promise((resolve) => setImmediate(resolve));
    expect(shim.destroyed).toBe(true);
  });

  it('stops following a cancel request socket', () => {
    const shim = new WireShimSocket(new Map());
    const internals = shim as unknown as ShimInternals;
    const cancel = Buffer.from([0, 0, 0, 16, 4, 210, 22, 46, 0, 0, 0, 42, 0, 0, 0, 7]);
    expect(internals.outbound(cancel)).toEqual(cancel);
    expect(shim.usable).toBe(false);
  });
});
