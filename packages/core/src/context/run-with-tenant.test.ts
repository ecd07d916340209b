import { EventEmitter, once } from 'node:events';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { isTenancyError } from '../errors/tenancy-error.js';
import { bindTenantContext, getTenant, requireTenant, runWithTenant, withoutTenant } from './run-with-tenant.js';
import { contextStorage } from './storage.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return isTenancyError(error) ? error.code : 'NOT_A_TENANCY_ERROR';
  }
  return undefined;
}

describe('runWithTenant', () => {
  it('makes the tenant visible inside the callback and gone after it', () => {
    expect(getTenant()).toBeUndefined();
    const seen = runWithTenant({ tenantId: 't1', userId: 'u1' }, () => getTenant());
    expect(seen).toEqual({ tenantId: 't1', userId: 'u1' });
    expect(getTenant()).toBeUndefined();
  });

  it('returns what the callback returns, including a promise', async () => {
    expect(runWithTenant({ tenantId: 't1' }, () => 42)).toBe(42);
    await expect(runWithTenant({ tenantId: 't1' }, async () => requireTenant().tenantId)).resolves.toBe('t1');
  });

  it('refuses a context without a tenant id', () => {
    expect(codeOf(() => runWithTenant({ tenantId: '' }, () => 1))).toBe('INVALID_INPUT');
    expect(codeOf(() => runWithTenant(undefined as never, () => 1))).toBe('INVALID_INPUT');
  });

  it('freezes the context so code inside cannot re-point the tenant', () => {
    runWithTenant({ tenantId: 't1' }, () => {
      const ctx = requireTenant() as { tenantId: string };
      expect(() => {
        ctx.tenantId = 't2';
      }).toThrow(TypeError);
      expect(getTenant()?.tenantId).toBe('t1');
    });
  });

  it('does not let the caller mutate the stored context through the object it passed', () => {
    const ctx = { tenantId: 't1' };
    runWithTenant(ctx, () => {
      ctx.tenantId = 't2';
      expect(getTenant()?.tenantId).toBe('t1');
    });
  });

  it('nests: the inner tenant wins inside, the outer one comes back after', () => {
    runWithTenant({ tenantId: 'outer' }, () => {
      runWithTenant({ tenantId: 'inner' }, () => expect(getTenant()?.tenantId).toBe('inner'));
      expect(getTenant()?.tenantId).toBe('outer');
    });
  });

  it('survives await, timers, setImmediate, queueMicrotask and promise chains', async () => {
    const seen = await runWithTenant({ tenantId: 't-async' }, async () => {
      const out: (string | undefined)[] = [];
      await sleep(1);
      out.push(getTenant()?.tenantId);
      await new Promise<void>((r) =>
        setTimeout(() => {
          out.push(getTenant()?.tenantId);
          r();
        }, 1),
      );
      await new Promise<void>((r) =>
        setImmediate(() => {
          out.push(getTenant()?.tenantId);
          r();
        }),
      );
      await new Promise<void>((r) =>
        queueMicrotask(() => {
          out.push(getTenant()?.tenantId);
          r();
        }),
      );
      out.push(await Promise.resolve().then(() => getTenant()?.tenantId));
      return out;
    });
    expect(seen).toEqual(['t-async', 't-async', 't-async', 't-async', 't-async']);
  });

  it('never lets thousands of interleaved concurrent tasks see each other’s tenant', async () => {
    const tasks = 5000;
    const mismatches: string[] = [];
    await Promise.all(
      Array.from({ length: tasks }, (_, i) =>
        runWithTenant({ tenantId: `tenant-${i % 97}`, userId: `user-${i}` }, async () => {
          for (let step = 0; step < 5; step++) {
            // Random interleaving: some tasks yield to timers, some to microtasks, some to the check queue.
            const r = (i * 7919 + step * 104729) % 3;
            if (r === 0) await sleep(i % 3);
            else if (r === 1) await Promise.resolve();
            else await new Promise<void>((done) => setImmediate(done));
            const ctx = requireTenant();
            if (ctx.tenantId !== `tenant-${i % 97}` || ctx.userId !== `user-${i}`) {
              mismatches.push(`${i}:${step}:${ctx.tenantId}`);
            }
          }
        }),
      ),
    );
    expect(mismatches).toEqual([]);
  });

  it('carries the tenant through a stream pipeline', async () => {
    const seen: (string | undefined)[] = [];
    await runWithTenant({ tenantId: 't-stream' }, async () => {
      const tag = new Transform({
        objectMode: true,
        transform(chunk: number, _enc, cb) {
          seen.push(getTenant()?.tenantId);
          cb(null, chunk);
        },
      });
      const sink = new Transform({ objectMode: true, transform: (_c, _e, cb) => cb() });
      await pipeline(Readable.from([1, 2, 3]), tag, sink.resume());
    });
    expect(seen).toEqual(['t-stream', 't-stream', 't-stream']);
  });
});

describe('event emitters', () => {
  it('run plain listeners in the context of whoever emits', () => {
    const emitter = new EventEmitter();
    const seen: (string | undefined)[] = [];
    runWithTenant({ tenantId: 'registrant' }, () => emitter.on('x', () => seen.push(getTenant()?.tenantId)));
    runWithTenant({ tenantId: 'emitter' }, () => emitter.emit('x'));
    expect(seen).toEqual(['emitter']);
  });

  it('run listeners bound with bindTenantContext in the context they were registered in', async () => {
    const emitter = new EventEmitter();
    const seen: (string | undefined)[] = [];
    runWithTenant({ tenantId: 'registrant' }, () =>
      emitter.on(
        'x',
        bindTenantContext((n: number) => seen.push(`${getTenant()?.tenantId}:${n}`)),
      ),
    );
    runWithTenant({ tenantId: 'emitter' }, () => emitter.emit('x', 1));
    setTimeout(() => emitter.emit('x', 2), 1);
    await once(emitter, 'x');
    expect(seen).toEqual(['registrant:1', 'registrant:2']);
  });

  it('keeps a function bound outside any tenant unscoped even when called inside one', () => {
    const bound = bindTenantContext(() => getTenant());
    expect(runWithTenant({ tenantId: 't1' }, bound)).toBeUndefined();
  });
});

describe('withoutTenant', () => {
  it('hides the surrounding tenant, and requireTenant fails closed inside', () => {
    runWithTenant({ tenantId: 't1' }, () => {
      withoutTenant(() => {
        expect(getTenant()).toBeUndefined();
        expect(codeOf(() => requireTenant())).toBe('TENANT_REQUIRED');
      });
      expect(getTenant()?.tenantId).toBe('t1');
    });
  });
});

describe('requireTenant', () => {
  it('throws TENANT_REQUIRED outside any tenant scope', () => {
    expect(codeOf(() => requireTenant())).toBe('TENANT_REQUIRED');
  });
});

describe('contextStorage', () => {
  it('is one storage per process, shared through a global symbol by duplicated copies of the package', () => {
    const key = Symbol.for('tenancy.context');
    expect((globalThis as Record<symbol, unknown>)[key]).toBe(contextStorage());
    // A second copy of the package would read the same global: simulate it reading the store directly.
    const fromOtherCopy = (globalThis as Record<symbol, { getStore(): unknown }>)[key];
    runWithTenant({ tenantId: 'shared' }, () => {
      expect(fromOtherCopy?.getStore()).toEqual({ context: { tenantId: 'shared' } });
    });
  });
});
