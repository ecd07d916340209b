import { LRUCache } from 'lru-cache';
import { z } from 'zod';
import { TenancyError } from '../errors/tenancy-error.js';
import type { Membership } from '../model/membership.js';
import type { TenantRecord } from '../model/tenant.js';
import type { TenantStore } from '../model/tenant-store.js';
import type { MembershipPeek, TenantPeek } from './cache-peek.js';
import { withPeek } from './cache-peek.js';
import { deepFreeze } from './deep-freeze.js';

/** Options for {@link createCachedTenantStore}. */
export interface CachedTenantStoreOptions {
  /** Most entries kept per cache (tenant lookups; memberships). Default 10,000. */
  max?: number | undefined;
  /**
   * How long a found tenant or membership is served from the cache, in ms. Default 30,000. This is the longest a
   * suspension, deletion or removed membership can go unnoticed when nobody calls `invalidateTenant()`.
   */
  ttlMs?: number | undefined;
  /** How long "not found" is remembered, in ms. Default 5,000. Shorter, so a new tenant shows up soon. */
  negativeTtlMs?: number | undefined;
  /** The clock in ms, monotonic. Meant for tests, to move time without fake timers; default `performance.now()`. */
  now?: (() => number) | undefined;
}

/** Counters of a {@link CachedTenantStore}, for tests and benchmarks. */
export interface CachedTenantStoreStats {
  /** Lookups answered from the cache. */
  readonly hits: number;
  /** Lookups that had to wait for a load (their own or one already running for the same key). */
  readonly misses: number;
  /** Calls made to the underlying store. With coalescing, far fewer than `misses` under concurrency. */
  readonly loads: number;
}

/**
 * A {@link TenantStore} in front of another one, with TTL, negative caching, request coalescing and invalidation.
 * Records it returns are frozen: they are shared by every request that hits the same entry.
 */
export interface CachedTenantStore extends TenantStore {
  /**
   * Drops everything cached about a tenant, at once: its id, slug and every domain that pointed at it, its
   * memberships, and every "not found" entry (a new or renamed tenant may now answer one of them). Call it from
   * whatever learns about changes (an admin action, a Postgres `NOTIFY`).
   */
  invalidateTenant(tenantId: string): void;
  /** Drops one cached membership (roles changed, member removed). */
  invalidateMembership(tenantId: string, userId: string): void;
  /** Drops everything. */
  clear(): void;
  /** The counters so far. */
  stats(): CachedTenantStoreStats;
}

const DEFAULTS = { max: 10_000, ttlMs: 30_000, negativeTtlMs: 5_000 } satisfies CachedTenantStoreOptions;

const optionsSchema = z.strictObject({
  max: z.int().positive().optional(),
  // Zero is refused on purpose: lru-cache reads a TTL of 0 as "never expires".
  ttlMs: z.int().positive().optional(),
  negativeTtlMs: z.int().positive().optional(),
  now: z.custom<() => number>((value) => typeof value === 'function', 'Expected a function').optional(),
});

// "Not found" is a value worth caching, but lru-cache cannot store null or undefined (a fetchMethod returning
// undefined means "nothing to store"), so absence is this marker inside the cache and null outside it.
const MISSING = Symbol('tenancy.cache.missing');
type Missing = typeof MISSING;
type TenantEntry = TenantRecord | Missing;
type MembershipEntry = Membership | Missing;

// Keys carry their kind so an id, a slug and a domain with the same text never share an entry.
const BY_ID = 'i:';
const BY_SLUG = 's:';
const BY_DOMAIN = 'd:';

// After this many loads that each raced an invalidation, the last result is kept for 1 ms only (see `loadSettled`).
const MAX_LOAD_ATTEMPTS = 3;

/**
 * Wraps a tenant store in an LRU cache: TTL, short-lived negative entries, one underlying call for many concurrent
 * misses of the same key, and explicit invalidation by tenant id.
 * @example
 * const store = createCachedTenantStore(createMemoryTenantStore({ tenants }), { ttlMs: 30_000 });
 * await store.findBySlug('acme'); // loads
 * await store.findBySlug('acme'); // cached
 * store.invalidateTenant(tenantId); // e.g. from a LISTEN/NOTIFY handler after a suspension
 * @see https://github.com/tenancy/tenancy/blob/main/docs/tenant-store.md#cache
 */
export function createCachedTenantStore(store: TenantStore, options: CachedTenantStoreOptions = {}): CachedTenantStore {
  const parsed = parseOptions(options);
  const config = {
    max: parsed.max ?? DEFAULTS.max,
    ttlMs: parsed.ttlMs ?? DEFAULTS.ttlMs,
    negativeTtlMs: parsed.negativeTtlMs ?? DEFAULTS.negativeTtlMs,
  };
  let hits = 0;
  let misses = 0;
  let loads = 0;
  // Bumped by every invalidation. A load that saw it move may have read the store before the change it announces,
  // so its result must not be cached for a full TTL (see `loadSettled`).
  let tenantGeneration = 0;
  let membershipGeneration = 0;

  // Which cached keys hold which tenant: invalidation by id must also reach the slug and domain entries.
  // Maintained from lru-cache's insert/dispose hooks, which only ever see settled values (never a load in flight).
  const keysByTenant = new Map<string, Set<string>>();
  const negativeKeys = new Set<string>();
  const membershipKeysByTenant = new Map<string, Set<string>>();

  const perf = options.now === undefined ? undefined : offsetClock(options.now);

  // Loads with `load`, again if an invalidation arrived meanwhile, and sets the entry's TTL from the result.
  const loadSettled = async <T>(
    generation: () => number,
    load: () => Promise<T | null>,
    fetchOptions: { ttl?: number | undefined },
  ): Promise<T | null> => {
    let value: T | null = null;
    for (let attempt = 1; attempt <= MAX_LOAD_ATTEMPTS; attempt++) {
      const startedAt = generation();
      loads++;
      value = await load();
      if (generation() === startedAt) {
        fetchOptions.ttl = value === null ? config.negativeTtlMs : config.ttlMs;
        return value;
      }
    }
    // Still racing invalidations: hand the result to the callers waiting on it (their requests began before the
    // change) but keep it for 1 ms only, the shortest TTL lru-cache has (0 means "forever").
    fetchOptions.ttl = 1;
    return value;
  };

  const tenants = new LRUCache<string, TenantEntry>({
    max: config.max,
    ttl: config.ttlMs,
    // Check the clock on every read: the default (once per ms, with a timer) would let an entry outlive its TTL.
    ttlResolution: 0,
    // A load in flight whose key is deleted (invalidation, eviction, clear) still answers the callers waiting on it
    // instead of rejecting them with an abort error; lru-cache does not store its result.
    ignoreFetchAbort: true,
    ...(perf === undefined ? {} : { perf }),
    onInsert: (value, key) => {
      if (value === MISSING) negativeKeys.add(key);
      else addToIndex(keysByTenant, value.id, key);
    },
    dispose: (value, key) => {
      if (value === MISSING) negativeKeys.delete(key);
      else removeFromIndex(keysByTenant, value.id, key);
    },
    fetchMethod: async (key, _stale, { options: fetchOptions }) => {
      const record = await loadSettled(
        () => tenantGeneration,
        () => loadTenant(store, key),
        fetchOptions,
      );
      return record === null ? MISSING : deepFreeze(structuredClone(record));
    },
  });

  const memberships = new LRUCache<string, MembershipEntry>({
    max: config.max,
    ttl: config.ttlMs,
    ttlResolution: 0,
    ignoreFetchAbort: true,
    ...(perf === undefined ? {} : { perf }),
    onInsert: (_value, key) => addToIndex(membershipKeysByTenant, tenantOfMembershipKey(key), key),
    dispose: (_value, key) => removeFromIndex(membershipKeysByTenant, tenantOfMembershipKey(key), key),
    fetchMethod: async (key, _stale, { options: fetchOptions }) => {
      const separator = key.indexOf(SEPARATOR);
      const tenantId = key.slice(0, separator);
      const userId = key.slice(separator + 1);
      const load = () => store.getMembership(tenantId, userId);
      const membership = await loadSettled(() => membershipGeneration, load, fetchOptions);
      return membership === null ? MISSING : deepFreeze(structuredClone(membership));
    },
  });

  // A cached answer (null for a cached "not found"), or undefined when the store has to be asked.
  const cachedTenant = (key: string): TenantRecord | null | undefined => {
    const cached = tenants.get(key);
    if (cached === undefined) return undefined;
    hits++;
    return cached === MISSING ? null : cached;
  };
  const cachedMembership = (key: string): Membership | null | undefined => {
    const cached = memberships.get(key);
    if (cached === undefined) return undefined;
    hits++;
    return cached === MISSING ? null : cached;
  };

  const lookupTenant = async (key: string): Promise<TenantRecord | null> => {
    const cached = cachedTenant(key);
    if (cached !== undefined) return cached;
    misses++;
    const loaded = await tenants.fetch(key);
    if (loaded === undefined) throw new TenancyError('INTERNAL', 'The tenant cache returned no value for a load.');
    return loaded === MISSING ? null : loaded;
  };

  const tenantLookup = (prefix: string): ((value: string) => Promise<TenantRecord | null>) =>
    withPeek((value: string) => lookupTenant(prefix + value), ((value) =>
      cachedTenant(prefix + value)) satisfies TenantPeek);

  return {
    findById: tenantLookup(BY_ID),
    findBySlug: tenantLookup(BY_SLUG),
    findByDomain: tenantLookup(BY_DOMAIN),
    getMembership: withPeek(
      async (tenantId: string, userId: string) => {
        const key = membershipKey(tenantId, userId);
        const cached = cachedMembership(key);
        if (cached !== undefined) return cached;
        misses++;
        const loaded = await memberships.fetch(key);
        if (loaded === undefined)
          throw new TenancyError('INTERNAL', 'The membership cache returned no value for a load.');
        return loaded === MISSING ? null : loaded;
      },
      ((tenantId, userId) => cachedMembership(membershipKey(tenantId, userId))) satisfies MembershipPeek,
    ),
    // Not cached: it serves tenant switchers, not the request path, and a stale list would be hard to invalidate
    // (one user's list changes whenever any of their tenants does).
    listMemberships: (userId) => store.listMemberships(userId),

    invalidateTenant(tenantId) {
      tenantGeneration++;
      membershipGeneration++;
      // Copies: deleting runs `dispose`, which edits these sets.
      for (const key of [...(keysByTenant.get(tenantId) ?? [])]) tenants.delete(key);
      for (const key of [...negativeKeys]) tenants.delete(key);
      for (const key of [...(membershipKeysByTenant.get(tenantId) ?? [])]) memberships.delete(key);
    },
    invalidateMembership(tenantId, userId) {
      membershipGeneration++;
      const key = membershipKey(tenantId, userId);
      // Only a settled entry: a load in flight sees the generation move and loads again, then caches what it read.
      if (membershipKeysByTenant.get(tenantId)?.has(key)) memberships.delete(key);
    },
    clear() {
      tenantGeneration++;
      membershipGeneration++;
      tenants.clear();
      memberships.clear();
      keysByTenant.clear();
      negativeKeys.clear();
      membershipKeysByTenant.clear();
    },
    stats: () => ({ hits, misses, loads }),
  };
}

// NUL never occurs in a validated identifier, so a key splits back into exactly one (tenantId, userId) pair.
const SEPARATOR = '\u0000';

function membershipKey(tenantId: string, userId: string): string {
  return tenantId + SEPARATOR + userId;
}

function tenantOfMembershipKey(key: string): string {
  return key.slice(0, key.indexOf(SEPARATOR));
}

function loadTenant(store: TenantStore, key: string): Promise<TenantRecord | null> {
  const value = key.slice(2);
  switch (key.slice(0, 2)) {
    case BY_ID:
      return store.findById(value);
    case BY_SLUG:
      return store.findBySlug(value);
    default:
      return store.findByDomain(value);
  }
}

function addToIndex(index: Map<string, Set<string>>, tenantId: string, key: string): void {
  let keys = index.get(tenantId);
  if (keys === undefined) {
    keys = new Set();
    index.set(tenantId, keys);
  }
  keys.add(key);
}

function removeFromIndex(index: Map<string, Set<string>>, tenantId: string, key: string): void {
  const keys = index.get(tenantId);
  if (keys === undefined) return;
  keys.delete(key);
  if (keys.size === 0) index.delete(tenantId);
}

// lru-cache treats a start time of 0 as "no TTL", so a test clock that starts at 0 would make entries immortal.
// Shifting every reading by 1 ms keeps the intervals exact and the start times non-zero.
function offsetClock(now: () => number): { now: () => number } {
  return { now: () => now() + 1 };
}

function parseOptions(options: CachedTenantStoreOptions): CachedTenantStoreOptions {
  const parsed = optionsSchema.safeParse(options);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = issue?.path.map(String) ?? [];
  throw new TenancyError(
    'INVALID_CONFIG',
    `Invalid createCachedTenantStore() option at "${path.join('.') || '(root)'}": ${issue?.message ?? 'invalid'}.`,
    { details: { path }, cause: parsed.error },
  );
}
