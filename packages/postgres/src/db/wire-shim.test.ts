// The shim socket's protocol bookkeeping on hand-built message streams: which Sync it drops, where it inserts a
// ReadyForQuery, what it does with errors, and that the answer does not depend on how the bytes are split.
import { describe, expect, it } from 'vitest';
import { OPENING_MARKER, WireShimSocket } from './wire-shim.js';

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
const bind = (name: string) => msg('B', Buffer.concat([cstr(''), cstr(name), int16(0), int16(0), int16(0)]));
const execute = msg('E', Buffer.concat([cstr(''), Buffer.alloc(4)]));
const sync = msg('S');
const flush = msg('H');
const query = (text: string) => msg('Q', cstr(text));

// Server messages.
const ready = (status: 'I' | 'T' | 'E') => msg('Z', Buffer.from(status));
const parseComplete = msg('1');
const bindComplete = msg('2');
const noData = msg('n');
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

const OPENING = `${OPENING_MARKER} select pg_catalog.set_config('tenancy.tenant_id', $1, true)`;

interface ShimInternals {
  outbound(buf: Buffer): Buffer;
  inbound(buf: Buffer): Buffer;
}

// A socket that has started up and prepared the opening (s1) and a statement (s2): two ReadyForQuery owed.
function preparedShim(): { shim: WireShimSocket; internals: ShimInternals; registry: Map<string, WireShimSocket> } {
  const registry = new Map<string, WireShimSocket>();
  const shim = new WireShimSocket(registry);
  const internals = shim as unknown as ShimInternals;
  internals.outbound(startup);
  expect(shim.ready).toBe(false);
  internals.outbound(
    Buffer.concat([parse('s1', OPENING), describeStatement('s1'), flush, parse('s2', 'select 1'), sync]),
  );
  internals.inbound(Buffer.concat([backendKey, ready('I'), parseComplete, noData, parseComplete, ready('I')]));
  return { shim, internals, registry };
}

// Feeds `stream` split at `at` and returns everything the shim passed on.
function receive(internals: ShimInternals, stream: Buffer, at: number): Buffer {
  return Buffer.concat([internals.inbound(stream.subarray(0, at)), internals.inbound(stream.subarray(at))]);
}

describe('WireShimSocket', () => {
  it('learns the opening statement from its Parse and registers under the backend key', () => {
    const { shim, registry } = preparedShim();
    expect(shim.ready).toBe(true);
    expect(registry.get('42:7')).toBe(shim);
  });

  it('passes everything through untouched while nobody armed it', () => {
    const { internals } = preparedShim();
    const out = Buffer.concat([bind('s1'), execute, sync, bind('s2'), execute, sync]);
    expect(internals.outbound(out)).toEqual(out);
    const answers = Buffer.concat([bindComplete, dataRow('t'), complete('SELECT 1'), ready('I')]);
    expect(internals.inbound(answers)).toEqual(answers);
  });

  it.each([0, 1, 3, 5, 7, 12, 20, 31])(
    'drops the armed opening Sync and inserts its ReadyForQuery (answers split at byte %i)',
    (at) => {
      const { shim, internals } = preparedShim();
      shim.arm();
      const written = internals.outbound(Buffer.concat([bind('s1'), execute, sync, bind('s2'), execute, sync]));
      expect(written).toEqual(Buffer.concat([bind('s1'), execute, bind('s2'), execute, sync]));
      const answers = Buffer.concat([
        bindComplete,
        dataRow('t'),
        complete('SELECT 1'),
        bindComplete,
        dataRow('1'),
        complete('SELECT 1'),
        ready('I'),
      ]);
      expect(receive(internals, answers, at)).toEqual(
        Buffer.concat([
          bindComplete,
          dataRow('t'),
          complete('SELECT 1'),
          ready('T'),
          bindComplete,
          dataRow('1'),
          complete('SELECT 1'),
          ready('I'),
        ]),
      );
    },
  );

  it('answers earlier statements first: the segment starts after the ReadyForQuery still owed', () => {
    const { shim, internals } = preparedShim();
    // A plain statement in flight, then a merged unit behind it in the same write.
    internals.outbound(Buffer.concat([query('select 2')]));
    shim.arm();
    internals.outbound(Buffer.concat([bind('s1'), execute, sync, bind('s2'), execute, sync]));
    const earlier = Buffer.concat([msg('T', int16(0)), complete('SELECT 1'), ready('I')]);
    const segment = Buffer.concat([bindComplete, complete('SELECT 1'), bindComplete, complete('SELECT 1'), ready('I')]);
    expect(internals.inbound(Buffer.concat([earlier, segment]))).toEqual(
      Buffer.concat([
        earlier,
        bindComplete,
        complete('SELECT 1'),
        ready('T'),
        bindComplete,
        complete('SELECT 1'),
        ready('I'),
      ]),
    );
  });

  it('fails the statement behind a failed opening instead of letting it look empty and successful', () => {
    const { shim, internals } = preparedShim();
    shim.arm();
    internals.outbound(Buffer.concat([bind('s1'), execute, sync, bind('s2'), execute, sync]));
    const failure = error({ S: 'ERROR', C: '22023', M: 'role "x" does not exist', R: 'call_string_check_hook' });
    const out = internals.inbound(Buffer.concat([failure, ready('I')]));
    const skipped = out.subarray(failure.length + 6, out.length - 6);
    expect(out.subarray(0, failure.length)).toEqual(failure);
    expect(out.subarray(failure.length, failure.length + 6)).toEqual(ready('T'));
    expect(skipped[0]).toBe('E'.charCodeAt(0));
    expect(skipped.toString('latin1')).toContain('C25P02\0');
    expect(out.subarray(out.length - 6)).toEqual(ready('I'));
  });

  it('renames a retry routine inside a segment, so postgres.js does not rerun the statement without the tenant', async () => {
    const { shim, internals } = preparedShim();
    shim.arm();
    internals.outbound(Buffer.concat([bind('s1'), execute, sync, bind('s2'), execute, sync]));
    const stale = error({
      S: 'ERROR',
      C: '0A000',
      M: 'cached plan must not change result type',
      R: 'RevalidateCachedQuery',
    });
    const out = internals.inbound(Buffer.concat([bindComplete, complete('SELECT 1'), stale, ready('I')]));
    const text = out.toString('latin1');
    expect(text).toContain('Rtenancy:RevalidateCachedQuery\0');
    expect(text).not.toContain('RRevalidateCachedQuery\0');
    // postgres.js's statement cache is stale now: the socket says so, for its lane to close it.
    expect(shim.stale).toBe(true);
    await new Promise((resolve) => setImmediate(resolve));
    expect(shim.destroyed).toBe(false);
  });

  it('leaves errors outside a segment alone', () => {
    const { shim, internals } = preparedShim();
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

  it('does not drop a Sync when the opening goes out as Parse/Describe/Flush, or when disarmed', () => {
    const { shim, internals } = preparedShim();
    shim.arm();
    const cold = Buffer.concat([parse('s3', OPENING), describeStatement('s3'), flush]);
    expect(internals.outbound(cold)).toEqual(cold);
    shim.disarm();
    const later = Buffer.concat([bind('s3'), execute, sync]);
    expect(internals.outbound(later)).toEqual(later);
  });

  it('stops following a cancel request socket', () => {
    const shim = new WireShimSocket(new Map());
    const internals = shim as unknown as ShimInternals;
    const cancel = Buffer.from([0, 0, 0, 16, 4, 210, 22, 46, 0, 0, 0, 42, 0, 0, 0, 7]);
    expect(internals.outbound(cancel)).toEqual(cancel);
    expect(shim.usable).toBe(false);
  });
});
