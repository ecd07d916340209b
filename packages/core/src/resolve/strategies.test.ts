import { describe, expect, it } from 'vitest';
import type { Principal } from '../model/principal.js';
import { createTenantResolver } from './create-tenant-resolver.js';
import { ACME, countingStore, GLOBEX, rejection, thrown } from './fixtures.test-helper.js';
import { fromCallback } from './from-callback.js';
import { fromCustomDomain } from './from-custom-domain.js';
import { fromHeader } from './from-header.js';
import { fromJwtClaim } from './from-jwt-claim.js';
import { fromPath } from './from-path.js';
import { fromQuery } from './from-query.js';
import { fromSubdomain } from './from-subdomain.js';
import { DEFAULT_RESERVED_SLUGS } from './parse-slug.js';
import type { RequestRules } from './request-view.js';
import { RequestView } from './request-view.js';
import type { TenantCandidate, TenantStrategy } from './tenant-strategy.js';

const rules: RequestRules = {
  trustProxy: undefined,
  reservedSlugs: new Set(DEFAULT_RESERVED_SLUGS),
  platformDomains: [],
  platformSuffixes: [],
};

function candidateOf(
  strategy: TenantStrategy,
  url: string,
  headers: Record<string, string> = {},
  principal?: Principal,
): TenantCandidate | undefined | Promise<TenantCandidate | undefined> {
  return strategy.resolve(new RequestView(new Request(url, { headers }), principal, rules));
}

const user = (claims: Record<string, unknown>): Principal => ({ id: 'user_1', claims, platformAdmin: false });

describe('fromSubdomain', () => {
  const strategy = fromSubdomain({ baseDomain: 'Example.COM.', ignore: ['preview'] });

  it('declares its base domain, normalized, as a platform domain', () => {
    expect(strategy.source).toBe('subdomain');
    expect(strategy.platformDomains).toEqual(['example.com']);
  });

  it.each<[string, TenantCandidate | undefined]>([
    ['https://acme.example.com/', { kind: 'slug', value: 'acme', source: 'subdomain' }],
    ['https://ACME.EXAMPLE.COM./', { kind: 'slug', value: 'acme', source: 'subdomain' }],
    ['https://acme.example.com:8443/x', { kind: 'slug', value: 'acme', source: 'subdomain' }],
    ['https://example.com/', undefined],
    ['https://www.example.com/', undefined],
    ['https://api.example.com/', undefined],
    ['https://preview.example.com/', undefined],
    ['https://x.acme.example.com/', undefined],
    ['https://acmeexample.com/', undefined],
    ['https://acme.example.com.evil.test/', undefined],
    ['https://acme.example.org/', undefined],
    ['https://127.0.0.1/', undefined],
    ['https://[::1]/', undefined],
    ['https://localhost/', undefined],
  ])('reads %j as %j', (url, expected) => {
    expect(candidateOf(strategy, url)).toEqual(expected);
  });

  it('ignores www by default even when the reserved slugs are replaced, unless told otherwise', async () => {
    const { store, calls } = countingStore();
    const www = new Request('https://www.example.com/');
    const keepsWww = createTenantResolver({
      store,
      reservedSlugs: [],
      strategies: [fromSubdomain({ baseDomain: 'example.com' })],
    });
    expect((await keepsWww(www)).tenant).toBeUndefined();
    expect(calls).toEqual([]);
    const dropsWww = createTenantResolver({
      store,
      reservedSlugs: [],
      strategies: [fromSubdomain({ baseDomain: 'example.com', ignore: [] })],
    });
    expect((await rejection(dropsWww(www))).code).toBe('TENANT_NOT_FOUND');
    expect(calls).toEqual(['slug:www']);
  });

  it('passes a label the slug rules refuse on to the resolver, which answers INVALID_INPUT before any lookup', async () => {
    const { store, calls } = countingStore();
    const resolve = createTenantResolver({ store, strategies: [strategy] });
    for (const host of ['xn--pple-43d.example.com', 'ab--c.example.com', '\u0430pple.example.com']) {
      const error = await rejection(resolve(new Request(`https://${host}/`)));
      expect(error.code).toBe('INVALID_INPUT');
      expect(error.message).toBe(
        'The tenant slug from "subdomain" has "--" in positions 3-4, which is reserved for punycode names like "xn--".',
      );
    }
    expect(calls).toEqual([]);
  });

  it.each<[unknown, string[]]>([
    [{}, ['baseDomain']],
    [{ baseDomain: '10.0.0.1' }, ['baseDomain']],
    [{ baseDomain: 'a..example.com' }, ['baseDomain']],
    [{ baseDomain: 'example.com', ignore: ['Preview'] }, ['ignore', '0']],
    [{ baseDomain: 'example.com', source: 'my source' }, ['source']],
  ])('refuses options %j with INVALID_CONFIG at %j', (options, path) => {
    const error = thrown(() => fromSubdomain(options as never));
    expect(error.code).toBe('INVALID_CONFIG');
    expect(error.details).toEqual({ path });
    expect(error.message).toMatch(/^fromSubdomain\(\): invalid option at /);
  });
});

describe('fromCustomDomain', () => {
  it('names the whole host as a domain', () => {
    expect(candidateOf(fromCustomDomain(), 'https://WWW.Acme.com.:443/')).toEqual({
      kind: 'domain',
      value: 'www.acme.com',
      source: 'custom-domain',
    });
  });

  it.each(['https://localhost:3000/', 'https://127.0.0.1/', 'https://[::1]/'])('names nothing for %j', (url) => {
    expect(candidateOf(fromCustomDomain(), url)).toBeUndefined();
  });

  it('never looks up the platform domains or hosts under them', async () => {
    const { store, calls } = countingStore();
    const resolve = createTenantResolver({
      store,
      platformDomains: ['example.net'],
      strategies: [
        fromSubdomain({ baseDomain: 'example.com' }),
        fromCustomDomain({ platformDomains: ['app.example.org'] }),
      ],
    });
    for (const host of [
      'example.com',
      'www.example.com',
      'x.y.example.com',
      'example.net',
      'status.example.net',
      'app.example.org',
      'eu.app.example.org',
    ]) {
      expect((await resolve(new Request(`https://${host}/`))).tenant).toBeUndefined();
    }
    expect(calls).toEqual([]);
    expect((await resolve(new Request('https://globex.io/'))).tenant).toEqual(GLOBEX);
    expect((await rejection(resolve(new Request('https://example.org/')))).code).toBe('TENANT_NOT_FOUND');
    expect(calls).toEqual(['domain:globex.io', 'domain:example.org']);
  });

  it('answers an unknown domain with TENANT_NOT_FOUND', async () => {
    const { store } = countingStore();
    const resolve = createTenantResolver({ store, strategies: [fromCustomDomain()] });
    const error = await rejection(resolve(new Request('https://unknown.example.org/')));
    expect(error.code).toBe('TENANT_NOT_FOUND');
    expect(error.message).toBe('No tenant matches the domain from "custom-domain".');
  });

  it('refuses an IP address as a platform domain', () => {
    expect(thrown(() => fromCustomDomain({ platformDomains: ['[::1]'] })).details).toEqual({
      path: ['platformDomains', '0'],
    });
  });
});

describe('fromPath', () => {
  it.each<[string, TenantCandidate | undefined]>([
    ['https://app.test/t/acme/projects', { kind: 'slug', value: 'acme', source: 'path' }],
    ['https://app.test/t/acme', { kind: 'slug', value: 'acme', source: 'path' }],
    ['https://app.test/t/acme?x=/t/globex', { kind: 'slug', value: 'acme', source: 'path' }],
    ['https://app.test/t/acme#/t/globex', { kind: 'slug', value: 'acme', source: 'path' }],
    // The WHATWG parser removes dot segments, also percent-encoded ones, before anything sees the path.
    ['https://app.test/t/acme/../globex/x', { kind: 'slug', value: 'globex', source: 'path' }],
    ['https://app.test/t/acme/%2e%2e/globex', { kind: 'slug', value: 'globex', source: 'path' }],
    ['https://app.test/x/../t/acme', { kind: 'slug', value: 'acme', source: 'path' }],
    ['https://app.test/t/..%2fglobex/', { kind: 'slug', value: '..%2fglobex', source: 'path' }],
    ['https://app.test/t/%61cme/', { kind: 'slug', value: '%61cme', source: 'path' }],
    ['https://app.test/t/', { kind: 'slug', value: '', source: 'path' }],
    ['https://app.test/t//x', { kind: 'slug', value: '', source: 'path' }],
    ['https://app.test/t', undefined],
    ['https://app.test/tenants/acme', undefined],
    ['https://app.test/T/acme', undefined],
    ['https://app.test/', undefined],
    ['https://app.test', undefined],
  ])('reads %j as %j', (url, expected) => {
    expect(candidateOf(fromPath(), url)).toEqual(expected);
  });

  it('takes a prefix and a kind', () => {
    const strategy = fromPath({ prefix: '/api/orgs', kind: 'id' });
    expect(candidateOf(strategy, `https://app.test/api/orgs/${ACME.id}/members`)).toEqual({
      kind: 'id',
      value: ACME.id,
      source: 'path',
    });
    expect(candidateOf(strategy, `https://app.test/api/${ACME.id}`)).toBeUndefined();
  });

  it('reads paths of non-http URLs too', () => {
    expect(candidateOf(fromPath(), 'app://local/t/acme/x')).toEqual({ kind: 'slug', value: 'acme', source: 'path' });
  });

  it.each([
    ['https://app.test/t/..%2fglobex/', 'contains characters other than a-z, 0-9 and "-"'],
    ['https://app.test/t/%61cme/', 'contains characters other than a-z, 0-9 and "-"'],
    ['https://app.test/t/%00/', 'contains characters other than a-z, 0-9 and "-"'],
    ['https://app.test/t//x', 'is empty'],
    ['https://app.test/t/ACME/x', 'has uppercase letters (slugs are lowercase)'],
  ])('refuses %j through the resolver: %s', async (url, problem) => {
    const { store, calls } = countingStore();
    const error = await rejection(createTenantResolver({ store, strategies: [fromPath()] })(new Request(url)));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toBe(`The tenant slug from "path" ${problem}.`);
    expect(calls).toEqual([]);
  });

  it.each(['t', '/t/', '/', '', '/t/:slug', '/a b'])('refuses the prefix %j', (prefix) => {
    expect(thrown(() => fromPath({ prefix })).details).toEqual({ path: ['prefix'] });
  });
});

describe('fromHeader', () => {
  it('reads x-tenant-id as an id by default', () => {
    expect(candidateOf(fromHeader(), 'https://api.test/', { 'X-Tenant-Id': ACME.id })).toEqual({
      kind: 'id',
      value: ACME.id,
      source: 'header:x-tenant-id',
    });
    expect(candidateOf(fromHeader(), 'https://api.test/')).toBeUndefined();
  });

  it('takes a name (case-insensitive) and a kind', () => {
    expect(candidateOf(fromHeader({ name: 'X-Org', kind: 'slug' }), 'https://api.test/', { 'x-org': 'acme' })).toEqual({
      kind: 'slug',
      value: 'acme',
      source: 'header:x-org',
    });
  });

  it('refuses a header sent twice', async () => {
    const { store, calls } = countingStore();
    const headers = new Headers();
    headers.append('x-tenant-id', ACME.id);
    headers.append('x-tenant-id', GLOBEX.id);
    const resolve = createTenantResolver({ store, strategies: [fromHeader()] });
    const error = await rejection(resolve(new Request('https://api.test/', { headers })));
    expect(error.code).toBe('INVALID_INPUT');
    expect(calls).toEqual([]);
  });

  it.each<[unknown, string]>([
    [{ name: 'x tenant' }, 'must be an HTTP header name'],
    [{ name: 'x-tenant\r\nx-other' }, 'must be an HTTP header name'],
    [{ name: 'Host' }, 'must not be a host header'],
    [{ name: 'x-forwarded-host' }, 'must not be a host header'],
    [{ kind: 'domain' }, 'Invalid option'],
  ])('refuses options %j', (options, message) => {
    const error = thrown(() => fromHeader(options as never));
    expect(error.code).toBe('INVALID_CONFIG');
    expect(error.message).toContain(message);
  });
});

describe('fromQuery', () => {
  it.each<[string, TenantCandidate | undefined]>([
    ['https://app.test/invite?tenant=acme', { kind: 'slug', value: 'acme', source: 'query:tenant' }],
    ['https://app.test/invite?x=1&tenant=ac%6De', { kind: 'slug', value: 'acme', source: 'query:tenant' }],
    ['https://app.test/invite?tenant=%00', { kind: 'slug', value: '\u0000', source: 'query:tenant' }],
    ['https://app.test/invite?tenants=acme', undefined],
    ['https://app.test/invite', undefined],
  ])('reads %j as %j', (url, expected) => {
    expect(candidateOf(fromQuery(), url)).toEqual(expected);
  });

  it('refuses a parameter given twice', () => {
    const error = thrown(() => candidateOf(fromQuery(), 'https://app.test/?tenant=acme&tenant=globex'));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toBe('The query parameter from "query:tenant" appears more than once.');
  });

  it('refuses a decoded control character through the resolver', async () => {
    const { store, calls } = countingStore();
    const resolve = createTenantResolver({ store, strategies: [fromQuery({ name: 'org', kind: 'id' })] });
    const error = await rejection(resolve(new Request('https://app.test/?org=%00')));
    expect(error.message).toBe(
      'The tenant id from "query:org" is not a uuid (expected 8-4-4-4-12 hexadecimal digits, without braces or prefix).',
    );
    expect(calls).toEqual([]);
  });
});

describe('fromJwtClaim', () => {
  it('reads a top-level claim of the verified principal as an id', () => {
    expect(candidateOf(fromJwtClaim(), 'https://a.test/', {}, user({ tenant_id: ACME.id }))).toEqual({
      kind: 'id',
      value: ACME.id,
      source: 'jwt:tenant_id',
    });
  });

  it('uses a string claim name as is, dots included', () => {
    const strategy = fromJwtClaim({ claim: 'https://example.com/tenant', kind: 'slug' });
    expect(candidateOf(strategy, 'https://a.test/', {}, user({ 'https://example.com/tenant': 'acme' }))).toEqual({
      kind: 'slug',
      value: 'acme',
      source: 'jwt:https://example.com/tenant',
    });
  });

  it('follows a claim path into nested claims', () => {
    const strategy = fromJwtClaim({ claim: ['app_metadata', 'tenant_id'] });
    expect(candidateOf(strategy, 'https://a.test/', {}, user({ app_metadata: { tenant_id: ACME.id } }))).toEqual({
      kind: 'id',
      value: ACME.id,
      source: 'jwt:app_metadata.tenant_id',
    });
    expect(candidateOf(strategy, 'https://a.test/', {}, user({ app_metadata: 'x' }))).toBeUndefined();
    expect(candidateOf(strategy, 'https://a.test/', {}, user({ app_metadata: [ACME.id] }))).toBeUndefined();
  });

  it('names nothing without a principal, without the claim, or for a null claim', () => {
    expect(candidateOf(fromJwtClaim(), 'https://a.test/')).toBeUndefined();
    expect(candidateOf(fromJwtClaim(), 'https://a.test/', {}, user({}))).toBeUndefined();
    expect(candidateOf(fromJwtClaim(), 'https://a.test/', {}, user({ tenant_id: null }))).toBeUndefined();
  });

  it('never reads inherited properties', () => {
    for (const claim of ['__proto__', 'constructor', 'toString']) {
      expect(candidateOf(fromJwtClaim({ claim }), 'https://a.test/', {}, user({}))).toBeUndefined();
    }
  });

  it('never reads the Authorization header itself', () => {
    expect(
      candidateOf(fromJwtClaim(), 'https://a.test/', {
        authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJ0ZW5hbnRfaWQiOiJ4In0.',
      }),
    ).toBeUndefined();
  });

  it('accepts a non-negative integer claim as an id and refuses other non-strings', () => {
    expect(candidateOf(fromJwtClaim(), 'https://a.test/', {}, user({ tenant_id: 42 }))).toEqual({
      kind: 'id',
      value: '42',
      source: 'jwt:tenant_id',
    });
    for (const value of [{ id: ACME.id }, [ACME.id], true, 1.5, -1]) {
      const error = thrown(() => candidateOf(fromJwtClaim(), 'https://a.test/', {}, user({ tenant_id: value })));
      expect(error.message).toBe('The claim read by "jwt:tenant_id" is not a string.');
    }
  });

  it.each<[unknown, string[]]>([
    [{ claim: '' }, ['claim']],
    [{ claim: [] }, ['claim']],
    [{ claim: ['a', ''] }, ['claim', '1']],
  ])('refuses options %j at %j', (options, path) => {
    expect(thrown(() => fromJwtClaim(options as never)).details).toEqual({ path });
  });
});

describe('fromCallback', () => {
  it('turns what the callback returns into a candidate with its source', async () => {
    const sync = fromCallback(() => ({ kind: 'slug', value: 'acme' }), { source: 'session' });
    expect(candidateOf(sync, 'https://a.test/')).toEqual({ kind: 'slug', value: 'acme', source: 'session' });
    const async = fromCallback(async () => ({ kind: 'id', value: ACME.id }));
    expect(await candidateOf(async, 'https://a.test/')).toEqual({ kind: 'id', value: ACME.id, source: 'callback' });
    expect(
      await candidateOf(
        fromCallback(async () => null),
        'https://a.test/',
      ),
    ).toBeUndefined();
    expect(
      candidateOf(
        fromCallback(() => undefined),
        'https://a.test/',
      ),
    ).toBeUndefined();
  });

  it('hands the callback the request and the principal', async () => {
    const seen: unknown[] = [];
    const strategy = fromCallback((input) => {
      seen.push(input.request.headers.get('cookie'), input.principal?.id, input.pathname);
      return undefined;
    });
    await candidateOf(strategy, 'https://a.test/x?y', { cookie: 'sid=1' }, user({}));
    expect(seen).toEqual(['sid=1', 'user_1', '/x']);
  });

  it('refuses something that is not a function', () => {
    const error = thrown(() => fromCallback('acme' as never));
    expect(error.code).toBe('INVALID_CONFIG');
    expect(error.message).toBe('fromCallback(): invalid option at "(root)": must be a function.');
  });
});
