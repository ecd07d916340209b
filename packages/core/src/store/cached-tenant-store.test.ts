import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { isTenancyError, TenancyError } from '../errors/tenancy-error.js';
import type { TenantRecord } from '../model/tenant.js';
import type { TenantStore } from '../model/tenant-store.js';
import type { MembershipPeek, TenantPeek } from './cache-peek.js';
import { peekOf } from './cache-peek.js';
import type { CachedTenantStore } from './cached-tenant-store.js';
import { createCachedTenantStore } from './cached-tenant-store.js';
import { createMemoryTenantStore, type MemoryTenantStore } from './memory-tenant-store.js';

const ACME = 'a0000000-0000-4000-8000-000000000001';
const GLOBEX = 'a0000000-0000-4000-8000-000000000002';

const acme: TenantRecord = {
  id: ACME,
  slug: 'acme',
  name: 'Acme',
  status: 'active',
  settings: { theme: { c: 'red' } },
};
const globex: TenantRecord = { id: GLOBEX, slug: 'globex', name: 'Globex', status: 'active' };

type Method = 'findById' | 'findBySlug' | 'findByDomain' | 'getMembership' | 'listMemberships';

/** The memory store, with a count of the calls that reach it and an optional gate that holds answers back. */
function instrumented(memory: MemoryTenantStore) {
  const calls: Record<Method, number> = {
    findById: 0,
    findBySlug: 0,
    findByDomain: 0,
    getMembership: 0,
    listMemberships: 0,
  };
  let gate: Promise<void> | undefined;
  let failNext: Error | undefined;
  const pass =
    <A extends unknown[], R>(method: Method, fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      calls[method]++;
      // Read first, answer later: like a query that saw the row before a concurrent change committed.
      const result = await fn(...args);
      if (gate !== undefined) await gate;
      if (failNext !== undefined) {
        const error = failNext;
        failNext = undefined;
        throw error;
      }
      return result;
    };
  const store: TenantStore = {
    findById: pass('findById', memory.findById),
    findBySlug: pass('findBySlug', memory.findBySlug),
    findByDomain: pass('findByDomain', memory.findByDomain),
    getMembership: pass('getMembership', memory.getMembership),
    listMemberships: pass('listMemberships', memory.listMemberships),
  };
  return {
    store,
    calls,
    total: () => Object.values(calls).reduce((a, b) => a + b, 0),
    hold() {
      let release!: () => void;
      gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      return () => {
        gate = undefined;
        release();
      };
    },
    failOnce(error: Error) {
      failNext = error;
    },
  };
}

function setup(options: { ttlMs?: number; negativeTtlMs?: number; max?: number } = {}) {
  const memory = createMemoryTenantStore({
    tenants: [acme, globex],
    domains: [
      { domain: 'acme.test', tenantId: ACME },
      { domain: 'acme.example', tenantId: ACME },
      { domain: 'globex.test', tenantId: GLOBEX },
    ],
    memberships: [
      { tenantId: ACME, userId: 'u1', roles: ['owner'] },
      { tenantId: ACME, userId: 'u2', roles: ['member'] },
      { tenantId: GLOBEX, userId: 'u1', roles: ['viewer'] },
    ],
  });
  const under = instrumented(memory);
  const clock = { t: 0 };
  const cached = createCachedTenantStore(under.store, { ...options, now: () => clock.t });
  return { memory, under, clock, cached };
}

describe('createCachedTenantStore', () => {
  it('answers 1,000 concurrent misses for one slug with exactly one underlying call', async () => {
    const { under, cached } = setup();
    const results = await Promise.all(Array.from({ length: 1000 }, () => cached.findBySlug('acme')));
    expect(under.calls.findBySlug).toBe(1);
    expect(under.total()).toBe(1);
    expect(new Set(results).size).toBe(1);
    expect(results[0]).toEqual(acme);
    expect(cached.stats()).toEqual({ hits: 0, misses: 1000, loads: 1 });

    expect(await cached.findBySlug('acme')).toEqual(acme);
    expect(under.calls.findBySlug).toBe(1);
    expect(cached.stats()).toEqual({ hits: 1, misses: 1000, loads: 1 });
  });

  it('coalesces concurrent misses that end in "not found" and caches the null', async () => {
    const { under, cached } = setup();
    const results = await Promise.all(Array.from({ length: 1000 }, () => cached.findBySlug('nope')));
    expect(results.every((r) => r === null)).toBe(true);
    expect(under.calls.findBySlug).toBe(1);
    expect(await cached.findBySlug('nope')).toBeNull();
    expect(under.calls.findBySlug).toBe(1);
    expect(cached.stats()).toEqual({ hits: 1, misses: 1000, loads: 1 });
  });

  it('coalesces concurrent membership misses, found and not found', async () => {
    const { under, cached } = setup();
    const found = await Promise.all(Array.from({ length: 100 }, () => cached.getMembership(ACME, 'u1')));
    const missing = await Promise.all(Array.from({ length: 100 }, () => cached.getMembership(GLOBEX, 'u2')));
    expect(found[99]).toEqual({ tenantId: ACME, userId: 'u1', roles: ['owner'] });
    expect(missing.every((m) => m === null)).toBe(true);
    expect(under.calls.getMembership).toBe(2);
  });

  it('serves an entry until exactly ttlMs and reloads it 1 ms later', async () => {
    const { under, clock, cached } = setup({ ttlMs: 1000 });
    clock.t = 5000;
    await cached.findById(ACME);
    clock.t = 6000;
    await cached.findById(ACME);
    expect(under.calls.findById).toBe(1);
    clock.t = 6001;
    await cached.findById(ACME);
    expect(under.calls.findById).toBe(2);
  });

  it('expires entries on the real clock when no clock is injected', async () => {
    const memory = createMemoryTenantStore({ tenants: [acme] });
    const under = instrumented(memory);
    const cached = createCachedTenantStore(under.store, { ttlMs: 30 });
    await cached.findBySlug('acme');
    await cached.findBySlug('acme');
    expect(under.calls.findBySlug).toBe(1);
    await sleep(60);
    await cached.findBySlug('acme');
    expect(under.calls.findBySlug).toBe(2);
  });

  it('keeps "not found" only for negativeTtlMs, so a new tenant shows up soon', async () => {
    const { memory, under, clock, cached } = setup({ ttlMs: 10_000, negativeTtlMs: 100 });
    expect(await cached.findBySlug('initech')).toBeNull();
    memory.addTenant({ id: 'i1', slug: 'initech', name: 'Initech', status: 'active' });
    clock.t = 100;
    expect(await cached.findBySlug('initech')).toBeNull();
    expect(under.calls.findBySlug).toBe(1);
    clock.t = 101;
    expect((await cached.findBySlug('initech'))?.id).toBe('i1');
    expect(under.calls.findBySlug).toBe(2);
    clock.t = 5000;
    await cached.findBySlug('initech');
    expect(under.calls.findBySlug).toBe(2);
  });

  it('does not cache errors: every waiter gets the error, the next lookup loads again', async () => {
    const { under, cached } = setup();
    const failure = new TenancyError('DATABASE_ERROR', 'The tenant store is unavailable.');
    under.failOnce(failure);
    const settled = await Promise.allSettled(Array.from({ length: 10 }, () => cached.findBySlug('acme')));
    expect(under.calls.findBySlug).toBe(1);
    for (const result of settled) {
      expect(result.status).toBe('rejected');
      expect((result as PromiseRejectedResult).reason).toBe(failure);
    }
    expect(await cached.findBySlug('acme')).toEqual(acme);
    expect(under.calls.findBySlug).toBe(2);
  });

  it('does not cache a failed membership load', async () => {
    const { under, cached } = setup();
    under.failOnce(new Error('connection reset'));
    await expect(cached.getMembership(ACME, 'u1')).rejects.toThrow('connection reset');
    expect(await cached.getMembership(ACME, 'u1')).toEqual({ tenantId: ACME, userId: 'u1', roles: ['owner'] });
    expect(under.calls.getMembership).toBe(2);
  });

  it('keeps a suspended tenant visible as active no longer than ttlMs', async () => {
    const { memory, clock, cached } = setup({ ttlMs: 1000 });
    clock.t = 1;
    await cached.findBySlug('acme');
    await cached.findByDomain('acme.test');
    memory.setStatus(ACME, 'suspended');
    clock.t = 1001;
    expect((await cached.findBySlug('acme'))?.status).toBe('active');
    clock.t = 1002;
    expect((await cached.findBySlug('acme'))?.status).toBe('suspended');
    expect((await cached.findByDomain('acme.test'))?.status).toBe('suspended');
  });

  it('makes a suspension visible at once on every key kind after invalidateTenant', async () => {
    const { memory, under, cached } = setup();
    await cached.findById(ACME);
    await cached.findBySlug('acme');
    await cached.findByDomain('acme.test');
    await cached.findByDomain('acme.example');
    await cached.getMembership(ACME, 'u1');
    await cached.getMembership(ACME, 'u3');
    await cached.findById(GLOBEX);
    await cached.findBySlug('globex');
    await cached.getMembership(GLOBEX, 'u1');
    const before = under.total();

    memory.setStatus(ACME, 'suspended');
    memory.removeMembership(ACME, 'u1');
    memory.addMembership({ tenantId: ACME, userId: 'u3', roles: ['viewer'] });
    expect((await cached.findBySlug('acme'))?.status).toBe('active');
    expect(under.total()).toBe(before);

    cached.invalidateTenant(ACME);
    expect((await cached.findById(ACME))?.status).toBe('suspended');
    expect((await cached.findBySlug('acme'))?.status).toBe('suspended');
    expect((await cached.findByDomain('acme.test'))?.status).toBe('suspended');
    expect((await cached.findByDomain('acme.example'))?.status).toBe('suspended');
    expect(await cached.getMembership(ACME, 'u1')).toBeNull();
    expect(await cached.getMembership(ACME, 'u3')).toEqual({ tenantId: ACME, userId: 'u3', roles: ['viewer'] });
    expect(under.calls).toEqual({ findById: 3, findBySlug: 3, findByDomain: 4, getMembership: 5, listMemberships: 0 });

    // The other tenant's entries were left alone.
    await cached.findById(GLOBEX);
    await cached.findBySlug('globex');
    await cached.getMembership(GLOBEX, 'u1');
    expect(under.calls).toEqual({ findById: 3, findBySlug: 3, findByDomain: 4, getMembership: 5, listMemberships: 0 });
  });

  it('drops the entry under an old slug when a renamed tenant is invalidated', async () => {
    const { memory, cached } = setup();
    expect((await cached.findBySlug('acme'))?.id).toBe(ACME);
    memory.updateTenant(ACME, { slug: 'acme-inc' });
    cached.invalidateTenant(ACME);
    expect(await cached.findBySlug('acme')).toBeNull();
    expect((await cached.findBySlug('acme-inc'))?.id).toBe(ACME);
  });

  it('drops cached "not found" entries on any tenant invalidation, so onboarding is visible at once', async () => {
    const { memory, under, cached } = setup({ negativeTtlMs: 60_000 });
    expect(await cached.findBySlug('initech')).toBeNull();
    expect(await cached.findByDomain('initech.test')).toBeNull();
    memory.addTenant({ id: 'i1', slug: 'initech', name: 'Initech', status: 'active' });
    memory.addDomain('initech.test', 'i1');
    cached.invalidateTenant('i1');
    expect((await cached.findBySlug('initech'))?.id).toBe('i1');
    expect((await cached.findByDomain('initech.test'))?.id).toBe('i1');
    expect(under.calls.findBySlug).toBe(2);
  });

  it('drops one membership with invalidateMembership and keeps the others', async () => {
    const { memory, under, cached } = setup();
    await cached.getMembership(ACME, 'u1');
    await cached.getMembership(ACME, 'u2');
    memory.removeMembership(ACME, 'u1');
    memory.removeMembership(ACME, 'u2');
    cached.invalidateMembership(ACME, 'u1');
    expect(await cached.getMembership(ACME, 'u1')).toBeNull();
    expect(await cached.getMembership(ACME, 'u2')).toEqual({ tenantId: ACME, userId: 'u2', roles: ['member'] });
    expect(under.calls.getMembership).toBe(3);
  });

  it('drops everything with clear()', async () => {
    const { under, cached } = setup();
    await cached.findBySlug('acme');
    await cached.findBySlug('nope');
    await cached.getMembership(ACME, 'u1');
    cached.clear();
    await cached.findBySlug('acme');
    await cached.findBySlug('nope');
    await cached.getMembership(ACME, 'u1');
    expect(under.calls.findBySlug).toBe(4);
    expect(under.calls.getMembership).toBe(2);
  });

  it('does not cache a load that raced invalidateTenant: it loads again and keeps the fresh result', async () => {
    const { memory, under, cached } = setup();
    const release = under.hold();
    const pending = cached.findBySlug('acme');
    await sleep(1);
    expect(under.calls.findBySlug).toBe(1);
    // The first load has read "active" and is still on its way back when the suspension is announced.
    memory.setStatus(ACME, 'suspended');
    cached.invalidateTenant(ACME);
    release();
    expect((await pending)?.status).toBe('suspended');
    expect(under.calls.findBySlug).toBe(2);
    expect((await cached.findBySlug('acme'))?.status).toBe('suspended');
    expect(under.calls.findBySlug).toBe(2);
  });

  it('does not cache a membership load that raced invalidateMembership', async () => {
    const { memory, under, cached } = setup();
    const release = under.hold();
    const pending = cached.getMembership(ACME, 'u1');
    await sleep(1);
    memory.removeMembership(ACME, 'u1');
    cached.invalidateMembership(ACME, 'u1');
    release();
    expect(await pending).toBeNull();
    expect(await cached.getMembership(ACME, 'u1')).toBeNull();
    expect(under.calls.getMembership).toBe(2);
  });

  it('still answers callers waiting on a load when clear() runs meanwhile', async () => {
    const { under, cached } = setup();
    const release = under.hold();
    const pending = Promise.all([cached.findBySlug('acme'), cached.findBySlug('acme')]);
    await sleep(1);
    cached.clear();
    release();
    expect(await pending).toEqual([acme, acme]);
  });

  it('returns deeply frozen records, so one caller cannot change what the next one sees', async () => {
    const { cached } = setup();
    const record = await cached.findById(ACME);
    const settings = record?.settings as { theme: { c: string } };
    expect(Object.isFrozen(record)).toBe(true);
    expect(() => {
      settings.theme.c = 'blue';
    }).toThrow(TypeError);
    expect((await cached.findById(ACME))?.settings).toEqual({ theme: { c: 'red' } });
    const roles = (await cached.getMembership(ACME, 'u1'))?.roles as string[];
    expect(() => roles.push('admin')).toThrow(TypeError);
  });

  it('keeps id, slug and domain lookups apart even when their text is equal', async () => {
    const { cached } = setup();
    expect((await cached.findBySlug('acme'))?.id).toBe(ACME);
    expect(await cached.findById('acme')).toBeNull();
    expect(await cached.findByDomain('acme')).toBeNull();
  });

  it('evicts the least recently used entry beyond max', async () => {
    const { under, cached } = setup({ max: 2 });
    await cached.findBySlug('acme');
    await cached.findBySlug('globex');
    await cached.findById(ACME);
    await cached.findBySlug('globex');
    expect(under.calls.findBySlug).toBe(2);
    await cached.findBySlug('acme');
    expect(under.calls.findBySlug).toBe(3);
  });

  it('passes listMemberships through uncached', async () => {
    const { under, cached } = setup();
    await cached.listMemberships('u1');
    expect(await cached.listMemberships('u1')).toEqual([
      { tenantId: ACME, userId: 'u1', roles: ['owner'] },
      { tenantId: GLOBEX, userId: 'u1', roles: ['viewer'] },
    ]);
    expect(under.calls.listMemberships).toBe(2);
  });

  it('refuses a zero TTL or an unknown option with INVALID_CONFIG naming the option', () => {
    const { under } = setup();
    const attempt = (options: object) => {
      try {
        createCachedTenantStore(under.store, options);
      } catch (error) {
        return isTenancyError(error, 'INVALID_CONFIG') ? error.details : error;
      }
      return 'no error';
    };
    expect(attempt({ ttlMs: 0 })).toEqual({ path: ['ttlMs'] });
    expect(attempt({ negativeTtlMs: -1 })).toEqual({ path: ['negativeTtlMs'] });
    expect(attempt({ max: 1.5 })).toEqual({ path: ['max'] });
    expect(attempt({ ttl: 1000 })).toEqual({ path: [] });
  });
});

describe('the synchronous twins of the cached store’s lookups (what resolution reads without a promise)', () => {
  const twins = (cached: CachedTenantStore) => ({
    byId: peekOf<TenantPeek>(cached.findById),
    bySlug: peekOf<TenantPeek>(cached.findBySlug),
    byDomain: peekOf<TenantPeek>(cached.findByDomain),
    membership: peekOf<MembershipPeek>(cached.getMembership),
  });

  it('answer only what a lookup would answer from the cache, and count it as a hit', async () => {
    const { under, clock, cached } = setup({ ttlMs: 1000, negativeTtlMs: 100 });
    const { byId, bySlug, byDomain, membership } = twins(cached);
    expect(bySlug?.('acme')).toBeUndefined();
    expect(membership?.(ACME, 'u1')).toBeUndefined();
    expect(cached.stats()).toEqual({ hits: 0, misses: 0, loads: 0 });

    await cached.findBySlug('acme');
    await cached.findBySlug('nope');
    await cached.getMembership(ACME, 'u1');
    await cached.getMembership(GLOBEX, 'u2');
    expect(bySlug?.('acme')).toEqual(acme);
    expect(bySlug?.('acme')).toBe(await cached.findBySlug('acme'));
    expect(bySlug?.('nope')).toBeNull();
    expect(byId?.('acme')).toBeUndefined();
    expect(byDomain?.('acme')).toBeUndefined();
    expect(membership?.(ACME, 'u1')).toEqual({ tenantId: ACME, userId: 'u1', roles: ['owner'] });
    expect(membership?.(GLOBEX, 'u2')).toBeNull();
    expect(cached.stats()).toEqual({ hits: 6, misses: 4, loads: 4 });

    clock.t = 101;
    expect(bySlug?.('nope')).toBeUndefined();
    expect(membership?.(GLOBEX, 'u2')).toBeUndefined();
    clock.t = 1001;
    expect(bySlug?.('acme')).toBeUndefined();
    expect(membership?.(ACME, 'u1')).toBeUndefined();
    expect(under.total()).toBe(4);
  });

  it('answer nothing for an invalidated tenant or membership', async () => {
    const { cached } = setup();
    const { byId, byDomain, membership } = twins(cached);
    await cached.findById(ACME);
    await cached.findByDomain('acme.test');
    await cached.getMembership(ACME, 'u1');
    await cached.getMembership(ACME, 'u2');
    cached.invalidateMembership(ACME, 'u2');
    expect(membership?.(ACME, 'u2')).toBeUndefined();
    expect(membership?.(ACME, 'u1')).toEqual({ tenantId: ACME, userId: 'u1', roles: ['owner'] });
    cached.invalidateTenant(ACME);
    expect(byId?.(ACME)).toBeUndefined();
    expect(byDomain?.('acme.test')).toBeUndefined();
    expect(membership?.(ACME, 'u1')).toBeUndefined();
  });

  it('travel with their methods: a copy of the store keeps them, a replaced method drops its own', () => {
    const { under, cached } = setup();
    const copy = { ...cached, findBySlug: async () => null };
    expect(peekOf(copy.findById)).toBe(peekOf(cached.findById));
    expect(peekOf(copy.getMembership)).toBe(peekOf(cached.getMembership));
    expect(peekOf(copy.findBySlug)).toBeUndefined();
    expect(peekOf(under.store.findBySlug)).toBeUndefined();
  });
});
