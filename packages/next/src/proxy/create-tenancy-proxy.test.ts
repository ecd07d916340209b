import type { Tenancy } from '@tenancy/core';
import { NextRequest, NextResponse } from 'next/server.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { ACME, createTestTenancy, type TestPermission, type TestTenancy } from '../test-tenancy.test-helper.js';
import { createTenancyProxy } from './create-tenancy-proxy.js';

let t: TestTenancy;
beforeAll(async () => {
  t = await createTestTenancy();
});

async function request(url: string, headers: Record<string, string> = {}, user?: string): Promise<NextRequest> {
  return new NextRequest(url, {
    headers: { ...headers, ...(user === undefined ? {} : { authorization: `Bearer ${await t.tokenFor(user)}` }) },
  });
}

/** The request headers Next forwards to the app for a proxy response, as Next itself decodes them. */
function forwardedHeaders(response: Response): Record<string, string> {
  const names = response.headers.get('x-middleware-override-headers');
  expect(names, 'the proxy forwards an explicit header set').not.toBeNull();
  const result: Record<string, string> = {};
  for (const name of (names as string).split(',')) {
    result[name] = response.headers.get(`x-middleware-request-${name}`) as string;
  }
  return result;
}

/** A tenancy that records the headers of every request core is asked to resolve. */
function spying(tenancy: Tenancy<TestPermission>, seen: Headers[]): Tenancy<TestPermission> {
  return {
    ...tenancy,
    resolve: (req, options) => {
      // The proxy hands core the web Request itself (a RequestLike is what the Express adapter passes).
      if (!(req instanceof Request)) throw new Error('expected a web Request');
      seen.push(req.headers);
      return tenancy.resolve(req, options);
    },
  };
}

describe('createTenancyProxy', () => {
  it('forwards the resolved tenant id and the original path in request headers', async () => {
    const proxy = createTenancyProxy(t.tenancy);
    const response = await proxy(await request('http://acme.example.test/projects?page=2', {}, 'alice'));
    expect(response.headers.get('x-middleware-next')).toBe('1');
    const forwarded = forwardedHeaders(response);
    expect(forwarded['x-tenancy-tenant']).toBe(ACME.id);
    expect(forwarded['x-tenancy-url']).toBe('/projects?page=2');
  });

  it('replaces an injected x-tenancy-tenant with the resolved one', async () => {
    const proxy = createTenancyProxy(t.tenancy);
    const injected = await request('http://acme.example.test/', { 'x-tenancy-tenant': 'someone-else' }, 'alice');
    expect(forwardedHeaders(await proxy(injected))['x-tenancy-tenant']).toBe(ACME.id);
  });

  it('strips injected x-tenancy-* headers when the request resolves to no tenant', async () => {
    const proxy = createTenancyProxy(t.tenancy);
    const injected = await request('http://example.test/signup', {
      'x-tenancy-tenant': ACME.id,
      'x-tenancy-url': '/t/acme/secret',
    });
    const forwarded = forwardedHeaders(await proxy(injected));
    expect(forwarded['x-tenancy-tenant']).toBeUndefined();
    expect(forwarded['x-tenancy-url']).toBe('/signup');
  });

  it('never lets core see x-tenancy-* headers from the client', async () => {
    const seen: Headers[] = [];
    const proxy = createTenancyProxy(spying(t.tenancy, seen));
    await proxy(
      await request('http://acme.example.test/', { 'x-tenancy-tenant': 'x', 'x-tenancy-url': '/y' }, 'alice'),
    );
    expect(seen).toHaveLength(1);
    expect([...(seen[0] as Headers).keys()].filter((name) => name.startsWith('x-tenancy'))).toEqual([]);
  });

  it('is unaffected by a spoofed x-middleware-subrequest header: it still resolves and strips', async () => {
    const seen: Headers[] = [];
    const proxy = createTenancyProxy(spying(t.tenancy, seen));
    const spoofed = await request('http://acme.example.test/', {
      'x-middleware-subrequest': 'proxy:proxy:proxy:proxy:proxy:middleware:middleware:middleware:middleware:middleware',
      'x-tenancy-tenant': '00000000-0000-4000-8000-00000000000b',
    });
    const response = await proxy(spoofed);
    expect(seen).toHaveLength(1);
    expect(forwardedHeaders(response)['x-tenancy-tenant']).toBe(ACME.id);
  });

  it('rewrites a tenant host to the tenant segment with a prefix', async () => {
    const proxy = createTenancyProxy(t.tenancy, { rewrite: '/t' });
    const response = await proxy(await request('http://acme.example.test/projects?page=2', {}, 'alice'));
    expect(response.headers.get('x-middleware-rewrite')).toBe('http://acme.example.test/t/acme/projects?page=2');
    expect(forwardedHeaders(response)['x-tenancy-url']).toBe('/projects?page=2');
    const root = await proxy(await request('http://acme.example.test/', {}, 'alice'));
    expect(root.headers.get('x-middleware-rewrite')).toBe('http://acme.example.test/t/acme');
  });

  it('rewrites on the server’s own origin, where Next serves it, whatever the Host', async () => {
    // What Next hands a proxy: `request.url` on the address the server listens on, the client's host in `Host`.
    const proxy = createTenancyProxy(t.tenancy, { rewrite: '/t' });
    const nextLike = await request('http://localhost:3000/x?y=1', { host: 'acme.example.test' }, 'alice');
    const response = await proxy(nextLike);
    expect(response.headers.get('x-middleware-rewrite')).toBe('http://localhost:3000/t/acme/x?y=1');
    expect(forwardedHeaders(response)['x-tenancy-tenant']).toBe(ACME.id);
    const hostOrigin = createTenancyProxy(t.tenancy, { rewrite: () => 'http://acme.example.test/s/acme' });
    await expect(hostOrigin(nextLike)).rejects.toMatchObject({ code: 'INVALID_CONFIG' });
  });

  it('rewrites by id when asked to', async () => {
    const proxy = createTenancyProxy(t.tenancy, { rewrite: '/tenants', segment: 'id' });
    const response = await proxy(await request('http://acme.example.test/x', {}, 'alice'));
    expect(response.headers.get('x-middleware-rewrite')).toBe(`http://acme.example.test/tenants/${ACME.id}/x`);
  });

  it('leaves a path already in the tenant segment alone, and nests another tenant’s segment under its own', async () => {
    const proxy = createTenancyProxy(t.tenancy, { rewrite: '/t' });
    const own = await proxy(await request('http://acme.example.test/t/acme/x', {}, 'alice'));
    expect(own.headers.get('x-middleware-rewrite')).toBeNull();
    expect(own.headers.get('x-middleware-next')).toBe('1');
    const other = await proxy(await request('http://acme.example.test/t/globex/x', {}, 'alice'));
    expect(other.headers.get('x-middleware-rewrite')).toBe('http://acme.example.test/t/acme/t/globex/x');
  });

  it('does not rewrite a request without a tenant', async () => {
    const proxy = createTenancyProxy(t.tenancy, { rewrite: '/t' });
    const response = await proxy(await request('http://example.test/pricing'));
    expect(response.headers.get('x-middleware-rewrite')).toBeNull();
  });

  it('rewrites with a function, and refuses a rewrite to another origin', async () => {
    const proxy = createTenancyProxy(t.tenancy, {
      rewrite: ({ tenant, url }) => `/sites/${tenant.slug}${url.pathname}`,
    });
    const response = await proxy(await request('http://acme.example.test/a', {}, 'alice'));
    expect(response.headers.get('x-middleware-rewrite')).toBe('http://acme.example.test/sites/acme/a');
    const leaky = createTenancyProxy(t.tenancy, { rewrite: () => 'https://collector.example.org/' });
    await expect(leaky(await request('http://acme.example.test/a', {}, 'alice'))).rejects.toMatchObject({
      code: 'INVALID_CONFIG',
    });
  });

  it('refuses an invalid rewrite prefix at creation', () => {
    expect(() => createTenancyProxy(t.tenancy, { rewrite: 't/' })).toThrowError(
      expect.objectContaining({ code: 'INVALID_CONFIG' }),
    );
  });

  it('answers an unknown tenant with a 404 problem, a suspended one with 403', async () => {
    const proxy = createTenancyProxy(t.tenancy);
    const unknown = await proxy(await request('http://nope.example.test/', {}, 'alice'));
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toBe('application/problem+json');
    expect(await unknown.json()).toMatchObject({ status: 404, code: 'TENANT_NOT_FOUND', title: 'Tenant not found' });
    const suspended = await proxy(await request('http://initech.example.test/', {}, 'alice'));
    expect(suspended.status).toBe(403);
    expect(await suspended.json()).toMatchObject({ code: 'TENANT_SUSPENDED' });
  });

  it('hands resolution errors to onError', async () => {
    const proxy = createTenancyProxy(t.tenancy, {
      onError: (error, req) => NextResponse.rewrite(new URL(`/errors/${error.code}`, req.url), { status: 404 }),
    });
    const response = await proxy(await request('http://nope.example.test/', {}, 'alice'));
    expect(response.status).toBe(404);
    expect(response.headers.get('x-middleware-rewrite')).toBe('http://nope.example.test/errors/TENANT_NOT_FOUND');
  });

  it('forwards extra request headers from the caller, but never lets them set x-tenancy-*', async () => {
    const proxy = createTenancyProxy(t.tenancy);
    const response = await proxy(await request('http://example.test/'), {
      requestHeaders: { 'x-nonce': 'abc', 'x-tenancy-tenant': ACME.id },
    });
    const forwarded = forwardedHeaders(response);
    expect(forwarded['x-nonce']).toBe('abc');
    expect(forwarded['x-tenancy-tenant']).toBeUndefined();
  });
});
