import { describe, expect, it } from 'vitest';
import type { Principal } from '../model/principal.js';
import type { TenantRecord } from '../model/tenant.js';
import type { TenantStore } from '../model/tenant-store.js';
import { createCachedTenantStore } from '../store/cached-tenant-store.js';
import type { TenantResolverOptions } from './create-tenant-resolver.js';
import { createTenantResolver, resolveTenant } from './create-tenant-resolver.js';
import { ACME, countingStore, GLOBEX, HOOLI, INITECH, rejection, thrown, UNKNOWN_ID } from './fixtures.test-helper.js';
import { fromCallback } from './from-callback.js';
import { fromCustomDomain } from './from-custom-domain.js';
import { fromHeader } from './from-header.js';
import { fromJwtClaim } from './from-jwt-claim.js';
import { fromPath } from './from-path.js';
import { fromSubdomain } from './from-subdomain.js';
import type { TenantStrategy } from './tenant-strategy.js';

const subdomain = () => fromSubdomain({ baseDomain: 'example.com' });

function req(url: string, headers: Record<string, string> = {}): Request {
  return new Request(url, { headers });
}

function principal(claims: Record<string, unknown>): Principal {
  return { id: 'user_1', claims, platformAdmin: false };
}

describe('createTenantResolver', () => {
  it('resolves a tenant from the first strategy that names one and reports its source', async () => {
    const { store, calls } = countingStore();
    const resolve = createTenantResolver({ store, strategies: [subdomain()] });
    const result = await resolve(req('https://acme.example.com/projects'));
    expect(result).toEqual({ tenant: ACME, source: 'subdomain', sources: ['subdomain'] });
    expect(calls).toEqual(['slug:acme']);
  });

  it('returns "no tenant" without a store call when no strategy names one', async () => {
    const { store, calls } = countingStore();
    const resolve = createTenantResolver({ store, strategies: [subdomain(), fromHeader()] });
    for (const url of ['https://example.com/signup', 'https://www.example.com/', 'https://a.b.example.com/']) {
      expect(await resolve(req(url))).toEqual({ tenant: undefined, source: undefined, sources: [] });
    }
    expect(calls).toEqual([]);
  });

  it('refuses a subdomain and a header that name different tenants, naming only the two sources', async () => {
    const { store, calls } = countingStore();
    const resolve = createTenantResolver({ store, strategies: [subdomain(), fromHeader()] });
    const error = await rejection(resolve(req('https://acme.example.com/', { 'x-tenant-id': GLOBEX.id })));
    expect(error.code).toBe('TENANT_AMBIGUOUS');
    expect(error.status).toBe(400);
    expect(error.message).toBe(
      'The tenant from "subdomain" and the tenant from "header:x-tenant-id" differ; a request must name one tenant.',
    );
    expect(error.details).toEqual({ sources: ['subdomain', 'header:x-tenant-id'] });
    expect(JSON.stringify(error.toJSON())).not.toMatch(/globex|Globex|acme|Acme|0190f3a2/);
    // The header id is compared with the decided tenant, never looked up.
    expect(calls).toEqual(['slug:acme']);
  });

  it('accepts a subdomain slug and a header id of the same tenant and reports both sources', async () => {
    const { store, calls } = countingStore();
    const resolve = createTenantResolver({ store, strategies: [subdomain(), fromHeader()] });
    const result = await resolve(req('https://acme.example.com/', { 'x-tenant-id': ACME.id.toUpperCase() }));
    expect(result).toEqual({ tenant: ACME, source: 'subdomain', sources: ['subdomain', 'header:x-tenant-id'] });
    expect(calls).toEqual(['slug:acme']);
  });

  it('answers TENANT_AMBIGUOUS, not TENANT_NOT_FOUND, for a second id that matches no tenant (no existence oracle)', async () => {
    const { store, calls } = countingStore();
    const resolve = createTenantResolver({ store, strategies: [subdomain(), fromHeader()] });
    const unknown = await rejection(resolve(req('https://acme.example.com/', { 'x-tenant-id': UNKNOWN_ID })));
    const existing = await rejection(resolve(req('https://acme.example.com/', { 'x-tenant-id': GLOBEX.id })));
    expect(unknown.code).toBe('TENANT_AMBIGUOUS');
    expect(unknown.toJSON()).toEqual(existing.toJSON());
    expect(calls).toEqual(['slug:acme', 'slug:acme']);
  });

  it('lets the order of strategies decide which source is the deciding one', async () => {
    const { store, calls } = countingStore();
    const resolve = createTenantResolver({ store, strategies: [fromHeader(), subdomain()] });
    const result = await resolve(req('https://acme.example.com/', { 'x-tenant-id': ACME.id }));
    expect(result).toEqual({
      tenant: ACME,
      source: 'header:x-tenant-id',
      sources: ['header:x-tenant-id', 'subdomain'],
    });
    expect(calls).toEqual([`id:${ACME.id}`]);
  });

  it('looks a second domain candidate up and accepts it only when it points at the same tenant', async () => {
    const { store, calls } = countingStore();
    const resolve = createTenantResolver({ store, strategies: [fromHeader(), fromCustomDomain()] });
    const ok = await resolve(req('https://acme.com/', { 'x-tenant-id': ACME.id }));
    expect(ok.sources).toEqual(['header:x-tenant-id', 'custom-domain']);
    expect(calls).toEqual([`id:${ACME.id}`, 'domain:acme.com']);
    for (const host of ['globex.io', 'unknown.example.org', 'hooli.xyz']) {
      const error = await rejection(resolve(req(`https://${host}/`, { 'x-tenant-id': ACME.id })));
      expect(error.code).toBe('TENANT_AMBIGUOUS');
      expect(error.message).toBe(
        'The tenant from "header:x-tenant-id" and the tenant from "custom-domain" differ; a request must name one tenant.',
      );
    }
  });

  it('refuses a suspended tenant with TENANT_SUSPENDED', async () => {
    const { store } = countingStore();
    const resolve = createTenantResolver({ store, strategies: [subdomain(), fromCustomDomain()] });
    for (const url of ['https://initech.example.com/', 'https://initech.net/']) {
      const error = await rejection(resolve(req(url)));
      expect(error.code).toBe('TENANT_SUSPENDED');
      expect(error.status).toBe(403);
      expect(error.message).toBe('This tenant is suspended; nothing can run on its behalf.');
    }
  });

  it('answers a deleted tenant exactly like an unknown one', async () => {
    const { store } = countingStore();
    const resolve = createTenantResolver({ store, strategies: [subdomain(), fromHeader()] });
    const deleted = await rejection(resolve(req('https://hooli.example.com/')));
    const unknown = await rejection(resolve(req('https://nobody.example.com/')));
    expect(deleted.code).toBe('TENANT_NOT_FOUND');
    expect(deleted.status).toBe(404);
    expect(deleted.toJSON()).toEqual(unknown.toJSON());
    expect(deleted.message).toBe('No tenant matches the slug from "subdomain".');
    const byId = await rejection(resolve(req('https://example.com/', { 'x-tenant-id': HOOLI.id })));
    const byUnknownId = await rejection(resolve(req('https://example.com/', { 'x-tenant-id': UNKNOWN_ID })));
    expect(byId.toJSON()).toEqual(byUnknownId.toJSON());
  });

  it('treats a status it does not know as not found (fail closed)', async () => {
    const archived = { ...ACME, status: 'archived' } as unknown as TenantRecord;
    const store: TenantStore = {
      findById: async () => archived,
      findBySlug: async () => archived,
      findByDomain: async () => archived,
      getMembership: async () => null,
      listMemberships: async () => [],
    };
    const resolve = createTenantResolver({ store, strategies: [subdomain()] });
    expect((await rejection(resolve(req('https://acme.example.com/')))).code).toBe('TENANT_NOT_FOUND');
  });

  it('checks agreement before suspension: disagreeing sources are TENANT_AMBIGUOUS even for a suspended tenant', async () => {
    const { store } = countingStore();
    const resolve = createTenantResolver({ store, strategies: [subdomain(), fromHeader()] });
    const error = await rejection(resolve(req('https://initech.example.com/', { 'x-tenant-id': GLOBEX.id })));
    expect(error.code).toBe('TENANT_AMBIGUOUS');
    const same = await rejection(resolve(req('https://initech.example.com/', { 'x-tenant-id': INITECH.id })));
    expect(same.code).toBe('TENANT_SUSPENDED');
  });

  it('validates every candidate before the first store call', async () => {
    const { store, calls } = countingStore();
    const resolve = createTenantResolver({ store, strategies: [subdomain(), fromHeader()] });
    const error = await rejection(resolve(req('https://acme.example.com/', { 'x-tenant-id': "1' OR '1'='1" })));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toBe(
      'The tenant id from "header:x-tenant-id" is not a uuid (expected 8-4-4-4-12 hexadecimal digits, without braces or prefix).',
    );
    expect(calls).toEqual([]);
  });

  it('compares a JWT claim with the tenant the request names', async () => {
    const { store } = countingStore();
    const resolve = createTenantResolver({ store, strategies: [subdomain(), fromJwtClaim()] });
    const request = () => req('https://acme.example.com/');
    expect((await resolve(request(), { principal: principal({ tenant_id: ACME.id }) })).sources).toEqual([
      'subdomain',
      'jwt:tenant_id',
    ]);
    const error = await rejection(resolve(request(), { principal: principal({ tenant_id: GLOBEX.id }) }));
    expect(error.code).toBe('TENANT_AMBIGUOUS');
    expect(error.details).toEqual({ sources: ['subdomain', 'jwt:tenant_id'] });
    expect((await resolve(request())).sources).toEqual(['subdomain']);
    expect((await resolve(request(), { principal: principal({}) })).sources).toEqual(['subdomain']);
  });

  it('validates ids in the configured format', async () => {
    const store: TenantStore = {
      findById: async (id) => (id === '42' ? { ...ACME, id: '42' } : null),
      findBySlug: async () => null,
      findByDomain: async () => null,
      getMembership: async () => null,
      listMemberships: async () => [],
    };
    const resolve = createTenantResolver({ store, idFormat: 'bigint', strategies: [fromHeader()] });
    expect((await resolve(req('https://api.test/', { 'x-tenant-id': '42' }))).tenant?.id).toBe('42');
    const error = await rejection(resolve(req('https://api.test/', { 'x-tenant-id': ACME.id })));
    expect(error.message).toBe(
      'The tenant id from "header:x-tenant-id" is not an integer id (expected decimal digits without sign or leading zeros, up to 2^63-1).',
    );
  });

  it('validates and canonicalizes what a custom strategy returns', async () => {
    const { store, calls } = countingStore();
    const custom = (candidate: unknown): TenantStrategy => ({
      source: 'custom',
      resolve: () => candidate as never,
    });
    const resolveWith = (candidate: unknown) => createTenantResolver({ store, strategies: [custom(candidate)] });
    const upper = await resolveWith({ kind: 'id', value: ACME.id.toUpperCase(), source: 'whatever' })(
      req('https://x.test/'),
    );
    expect(upper).toEqual({ tenant: ACME, source: 'custom', sources: ['custom'] });
    expect(calls).toEqual([`id:${ACME.id}`]);
    expect((await rejection(resolveWith({ kind: 'id', value: 42 })(req('https://x.test/')))).code).toBe(
      'INVALID_INPUT',
    );
    expect((await rejection(resolveWith({ kind: 'tenant', value: 'acme' })(req('https://x.test/')))).code).toBe(
      'INTERNAL',
    );
    expect((await rejection(resolveWith('acme')(req('https://x.test/')))).code).toBe('INTERNAL');
    const ip = await rejection(resolveWith({ kind: 'domain', value: '10.0.0.1' })(req('https://x.test/')));
    expect(ip.message).toBe('The tenant domain from "custom" is an IP address.');
    expect(calls).toEqual([`id:${ACME.id}`]);
  });

  it('awaits async strategies in order', async () => {
    const { store } = countingStore();
    const order: string[] = [];
    const resolve = createTenantResolver({
      store,
      strategies: [
        fromCallback(
          async () => {
            await new Promise((r) => setTimeout(r, 5));
            order.push('session');
            return { kind: 'slug', value: 'acme' };
          },
          { source: 'session' },
        ),
        fromCallback(() => {
          order.push('sync');
          return undefined;
        }),
      ],
    });
    expect((await resolve(req('https://x.test/'))).source).toBe('session');
    expect(order).toEqual(['session', 'sync']);
  });

  it('refuses a store answer that does not match the lookup', async () => {
    const store: TenantStore = {
      findById: async () => GLOBEX,
      findBySlug: async () => GLOBEX,
      findByDomain: async () => GLOBEX,
      getMembership: async () => null,
      listMemberships: async () => [],
    };
    const resolve = createTenantResolver({ store, strategies: [subdomain()] });
    expect((await rejection(resolve(req('https://acme.example.com/')))).code).toBe('INTERNAL');
  });

  it('passes store failures through unchanged', async () => {
    const failure = new Error('connection reset');
    const store: TenantStore = {
      findById: async () => Promise.reject(failure),
      findBySlug: async () => Promise.reject(failure),
      findByDomain: async () => Promise.reject(failure),
      getMembership: async () => null,
      listMemberships: async () => [],
    };
    const resolve = createTenantResolver({ store, strategies: [subdomain()] });
    await expect(resolve(req('https://acme.example.com/'))).rejects.toBe(failure);
  });

  it('works through the cached store and sees a suspension after invalidateTenant', async () => {
    const { store: inner, calls, memory } = countingStore();
    const store = createCachedTenantStore(inner);
    const resolve = createTenantResolver({ store, strategies: [subdomain()] });
    for (let i = 0; i < 3; i++) expect((await resolve(req('https://globex.example.com/'))).tenant?.id).toBe(GLOBEX.id);
    expect(calls).toEqual(['slug:globex']);
    memory.setStatus(GLOBEX.id, 'suspended');
    store.invalidateTenant(GLOBEX.id);
    expect((await rejection(resolve(req('https://globex.example.com/')))).code).toBe('TENANT_SUSPENDED');
    expect(calls).toEqual(['slug:globex', 'slug:globex']);
  });

  it('answers from the cached store exactly as from the store: the same errors and results, cold and warm', async () => {
    const { store: inner, calls } = countingStore();
    const store = createCachedTenantStore(inner);
    const resolve = createTenantResolver({ store, strategies: [fromHeader(), fromCustomDomain(), subdomain()] });
    for (let round = 0; round < 2; round++) {
      const ok = await resolve(req('https://acme.com/', { 'x-tenant-id': ACME.id }));
      expect(ok).toEqual({
        tenant: ACME,
        source: 'header:x-tenant-id',
        sources: ['header:x-tenant-id', 'custom-domain'],
      });
      for (const host of ['globex.io', 'unknown.example.org', 'hooli.xyz']) {
        const error = await rejection(resolve(req(`https://${host}/`, { 'x-tenant-id': ACME.id })));
        expect(error.code).toBe('TENANT_AMBIGUOUS');
      }
      expect((await rejection(resolve(req('https://initech.example.com/')))).code).toBe('TENANT_SUSPENDED');
      expect((await rejection(resolve(req('https://hooli.example.com/')))).code).toBe('TENANT_NOT_FOUND');
      expect((await rejection(resolve(req('https://nope.example.com/')))).code).toBe('TENANT_NOT_FOUND');
      const error = await rejection(resolve(req('https://acme.example.com/', { 'x-tenant-id': GLOBEX.id })));
      expect(error.message).toBe(
        'The tenant from "header:x-tenant-id" and the tenant from "subdomain" differ; a request must name one tenant.',
      );
    }
    // The second round came from the cache alone.
    expect(calls).toEqual([
      `id:${ACME.id}`,
      'domain:acme.com',
      'domain:globex.io',
      'domain:unknown.example.org',
      'domain:hooli.xyz',
      'slug:initech',
      'slug:hooli',
      'slug:nope',
      `id:${GLOBEX.id}`,
    ]);
  });

  it('asks a lookup method that replaced the cached store’s own, even for what the cache holds', async () => {
    const { store: inner } = countingStore();
    const cached = createCachedTenantStore(inner);
    const resolve = createTenantResolver({ store: cached, strategies: [subdomain()] });
    expect((await resolve(req('https://acme.example.com/'))).tenant?.id).toBe(ACME.id);
    const asked: string[] = [];
    const store: TenantStore = {
      ...cached,
      findBySlug: async (slug) => {
        asked.push(slug);
        return null;
      },
    };
    const own = createTenantResolver({ store, strategies: [subdomain()] });
    expect((await rejection(own(req('https://acme.example.com/')))).code).toBe('TENANT_NOT_FOUND');
    expect(asked).toEqual(['acme']);
  });

  it('runs every strategy in order when one in the middle answers with a promise, then decides as usual', async () => {
    const { store: inner } = countingStore();
    const store = createCachedTenantStore(inner);
    const order: string[] = [];
    const later = fromCallback(
      async () => {
        await new Promise((r) => setTimeout(r, 1));
        order.push('session');
        return { kind: 'slug', value: 'acme' };
      },
      { source: 'session' },
    );
    const header = fromCallback(
      ({ header }) => {
        order.push('header');
        const value = header('x-tenant-id');
        return value === null ? undefined : { kind: 'id', value };
      },
      { source: 'header' },
    );
    const resolve = createTenantResolver({ store, strategies: [subdomain(), later, header] });
    const ok = await resolve(req('https://acme.example.com/', { 'x-tenant-id': ACME.id }));
    expect(ok.sources).toEqual(['subdomain', 'session', 'header']);
    const error = await rejection(resolve(req('https://acme.example.com/', { 'x-tenant-id': GLOBEX.id })));
    expect(error.message).toBe(
      'The tenant from "subdomain" and the tenant from "header" differ; a request must name one tenant.',
    );
    expect(order).toEqual(['session', 'header', 'session', 'header']);
  });

  it('keeps path and host strategies independent of each other', async () => {
    const { store } = countingStore();
    const resolve = createTenantResolver({ store, strategies: [fromPath(), subdomain()] });
    expect((await resolve(req('https://acme.example.com/t/acme/x'))).sources).toEqual(['path', 'subdomain']);
    expect((await rejection(resolve(req('https://acme.example.com/t/globex/x')))).code).toBe('TENANT_AMBIGUOUS');
  });
});

describe('resolveTenant', () => {
  it('resolves one request with inline options and a principal', async () => {
    const { store } = countingStore();
    const result = await resolveTenant(req('https://app.test/'), {
      store,
      strategies: [fromJwtClaim({ claim: ['app_metadata', 'tenant_id'] })],
      principal: principal({ app_metadata: { tenant_id: GLOBEX.id } }),
    });
    expect(result).toEqual({
      tenant: GLOBEX,
      source: 'jwt:app_metadata.tenant_id',
      sources: ['jwt:app_metadata.tenant_id'],
    });
  });
});

describe('createTenantResolver options', () => {
  const { store } = countingStore();
  const base = (): TenantResolverOptions => ({ store, strategies: [subdomain()] });

  it.each<[string, () => unknown, string[], string]>([
    ['no strategies', () => ({ ...base(), strategies: [] }), ['strategies'], 'needs at least one strategy'],
    [
      'a strategy that is not one',
      () => ({ ...base(), strategies: [{ source: 'x' }] }),
      ['strategies', '0'],
      'must be a strategy',
    ],
    [
      'two strategies with one source',
      () => ({ ...base(), strategies: [fromHeader(), fromPath(), fromHeader({ name: 'X-Tenant-Id' })] }),
      ['strategies', '2'],
      'duplicate source "header:x-tenant-id"',
    ],
    ['a store without lookups', () => ({ ...base(), store: {} }), ['store'], 'must implement TenantStore'],
    ['an unknown id format', () => ({ ...base(), idFormat: 'int' }), ['idFormat'], 'Invalid option'],
    [
      'an uppercase reserved slug',
      () => ({ ...base(), reservedSlugs: ['WWW'] }),
      ['reservedSlugs', '0'],
      'must be a lowercase slug',
    ],
    [
      'a malformed platform domain',
      () => ({ ...base(), platformDomains: ['a..b'] }),
      ['platformDomains', '0'],
      'has an empty label',
    ],
    [
      'an IP platform domain',
      () => ({ ...base(), platformDomains: ['10.0.0.1'] }),
      ['platformDomains', '0'],
      'not an IP address',
    ],
    ['zero proxy hops', () => ({ ...base(), trustProxy: { hops: 0 } }), ['trustProxy', 'hops'], 'Too small'],
    [
      'an unknown proxy header',
      () => ({ ...base(), trustProxy: { header: 'x-real-host' } }),
      ['trustProxy', 'header'],
      'Invalid option',
    ],
    ['an unknown option', () => ({ ...base(), trustProxies: true }), [], 'Unrecognized key'],
  ])('refuses %s at creation with INVALID_CONFIG and the path', (_name, options, path, message) => {
    const error = thrown(() => createTenantResolver(options() as TenantResolverOptions));
    expect(error.code).toBe('INVALID_CONFIG');
    expect(error.details).toEqual({ path });
    expect(error.message).toContain(`createTenantResolver(): invalid option at "${path.join('.') || '(root)'}"`);
    expect(error.message).toContain(message);
  });

  it('refuses a malformed platform domain declared by a custom strategy', () => {
    const strategy: TenantStrategy = { source: 'mine', platformDomains: ['-bad-.com'], resolve: () => undefined };
    const error = thrown(() => createTenantResolver({ store, strategies: [strategy] }));
    expect(error.code).toBe('INVALID_CONFIG');
    expect(error.message).toContain('strategies.0.platformDomains');
  });
});
