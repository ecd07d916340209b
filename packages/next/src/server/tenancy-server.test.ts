import { setTimeout as sleep } from 'node:timers/promises';
import { getTenant, isTenancyError } from '@tenancy/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ACME, createTestTenancy, GLOBEX, type TestTenancy } from '../test-tenancy.test-helper.js';
import { createTenancyServerWith } from './tenancy-server.js';

let t: TestTenancy;
beforeAll(async () => {
  t = await createTestTenancy();
});

async function headersOf(host: string, extra: Record<string, string> = {}, user?: string): Promise<Headers> {
  return new Headers({
    host,
    ...extra,
    ...(user === undefined ? {} : { authorization: `Bearer ${await t.tokenFor(user)}` }),
  });
}

function serverFor(headers: Headers) {
  return createTenancyServerWith(
    t.tenancy,
    { tenantUrl: (tenant) => `https://${tenant.slug}.example.test` },
    async () => headers,
  );
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'resolved';
  } catch (error) {
    return isTenancyError(error) ? error.code : String(error);
  }
}

describe('getTenantContext', () => {
  it('re-resolves the request from its Host header through core', async () => {
    const server = serverFor(await headersOf('acme.example.test', {}, 'alice'));
    const resolved = await server.getTenantContext();
    expect(resolved.tenant?.id).toBe(ACME.id);
    expect(resolved.context?.tenantId).toBe(ACME.id);
  });

  it('accepts a forwarded tenant id that agrees with its own resolution', async () => {
    const server = serverFor(await headersOf('acme.example.test', { 'x-tenancy-tenant': ACME.id }, 'alice'));
    expect((await server.getTenantContext()).tenant?.id).toBe(ACME.id);
  });

  it('refuses a forwarded tenant id that disagrees with its own resolution', async () => {
    const server = serverFor(await headersOf('acme.example.test', { 'x-tenancy-tenant': GLOBEX.id }, 'alice'));
    expect(await codeOf(server.getTenantContext())).toBe('TENANT_AMBIGUOUS');
    const noTenant = serverFor(await headersOf('example.test', { 'x-tenancy-tenant': GLOBEX.id }, 'bob'));
    expect(await codeOf(noTenant.getTenantContext())).toBe('TENANT_AMBIGUOUS');
  });

  it('gives no tenant data to a request that skipped the proxy and forged its header (CVE-2025-29927)', async () => {
    const headers = await headersOf('globex.example.test', {
      'x-middleware-subrequest': 'middleware:middleware:middleware:middleware:middleware',
      'x-tenancy-tenant': GLOBEX.id,
    });
    const resolved = await serverFor(headers).getTenantContext();
    expect(resolved.context).toBeUndefined();
    expect(await codeOf(serverFor(headers).requireTenantContext())).toBe('TENANT_REQUIRED');
    const nonMember = await headersOf('globex.example.test', { 'x-tenancy-tenant': GLOBEX.id }, 'alice');
    expect(await codeOf(serverFor(nonMember).getTenantContext())).toBe('MEMBERSHIP_REQUIRED');
  });

  it('throws the resolution error for an unknown tenant', async () => {
    expect(await codeOf(serverFor(await headersOf('nope.example.test', {}, 'alice')).getTenantContext())).toBe(
      'TENANT_NOT_FOUND',
    );
  });

  it('refuses a request without a usable Host header', async () => {
    expect(await codeOf(serverFor(new Headers()).getTenantContext())).toBe('INVALID_INPUT');
    expect(await codeOf(serverFor(new Headers({ host: 'evil@acme.example.test' })).getTenantContext())).toBe(
      'INVALID_INPUT',
    );
  });

  it('resolves the path the proxy saw, and ignores one that is not an origin path', async () => {
    const seen: string[] = [];
    const tenancy = {
      ...t.tenancy,
      resolve: (req: Request) => {
        seen.push(req.url);
        return t.tenancy.resolve(req);
      },
    };
    const read = (value: string) =>
      createTenancyServerWith(tenancy, {}, async () => new Headers({ host: 'example.test', 'x-tenancy-url': value }));
    await read('/t/acme/projects?x=1').getTenantContext();
    await read('//evil.example/x').getTenantContext();
    await read('https://evil.example/x').getTenantContext();
    expect(seen).toEqual(['http://example.test/t/acme/projects?x=1', 'http://example.test/', 'http://example.test/']);
  });
});

describe('requireTenantContext', () => {
  it('returns the scoped resolution for a member', async () => {
    const scoped = await serverFor(await headersOf('acme.example.test', {}, 'alice')).requireTenantContext();
    expect(scoped.tenant.slug).toBe('acme');
    expect(scoped.context.userId).toBe('alice');
  });

  it('throws TENANT_REQUIRED for an anonymous request on a tenant host', async () => {
    expect(await codeOf(serverFor(await headersOf('acme.example.test')).requireTenantContext())).toBe(
      'TENANT_REQUIRED',
    );
  });
});

describe('runInTenant', () => {
  it('runs the callback inside the tenant context, also after awaits', async () => {
    const server = serverFor(await headersOf('globex.example.test', {}, 'bob'));
    const seen = await server.runInTenant(async () => {
      await sleep(1);
      return getTenant()?.tenantId;
    });
    expect(seen).toBe(GLOBEX.id);
    expect(getTenant()).toBeUndefined();
  });
});

describe('withTenant', () => {
  const server = () => createTenancyServerWith(t.tenancy, {}, async () => new Headers());
  const handlerRequest = async (url: string, user?: string, extra: Record<string, string> = {}) =>
    new Request(url, {
      headers: { ...extra, ...(user === undefined ? {} : { authorization: `Bearer ${await t.tokenFor(user)}` }) },
    });

  it('runs the handler in the tenant of its request and passes the route context through', async () => {
    const route = server().withTenant<{ params: Promise<{ id: string }> }>(async (_request, { params, tenancy }) => {
      await sleep(1);
      return Response.json({ tenantId: getTenant()?.tenantId, slug: tenancy.tenant?.slug, id: (await params).id });
    });
    const response = await route(await handlerRequest('http://acme.example.test/api/p/7', 'alice'), {
      params: Promise.resolve({ id: '7' }),
    });
    expect(await response.json()).toEqual({ tenantId: ACME.id, slug: 'acme', id: '7' });
  });

  it('answers resolution errors as problem+json', async () => {
    const route = server().withTenant(() => Response.json({ reached: true }));
    const response = await route(await handlerRequest('http://nope.example.test/api', 'alice'), {});
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await response.json()).toEqual({
      type: 'https://github.com/tenancy/tenancy/blob/main/docs/errors.md#tenant_not_found',
      title: 'Tenant not found',
      status: 404,
      detail: 'No tenant matches the slug from "subdomain".',
      code: 'TENANT_NOT_FOUND',
    });
  });

  it('checks the permission option: 401 without a token, 403 without the permission, 200 with it', async () => {
    const route = server().withTenant(() => Response.json({ ok: true }), { permission: 'project:write' });
    const anonymous = await route(await handlerRequest('http://acme.example.test/api'), {});
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ code: 'UNAUTHENTICATED' });
    const viewer = await route(await handlerRequest('http://acme.example.test/api', 'victor'), {});
    expect(viewer.status).toBe(403);
    expect(await viewer.json()).toMatchObject({ code: 'PERMISSION_DENIED' });
    const admin = await route(await handlerRequest('http://acme.example.test/api', 'alice'), {});
    expect(admin.status).toBe(200);
  });

  it('runs an anonymous request outside any tenant, so tenant-scoped code refuses', async () => {
    const route = server().withTenant(() => Response.json({ tenant: getTenant() ?? null }));
    const response = await route(await handlerRequest('http://acme.example.test/api'), {});
    expect(await response.json()).toEqual({ tenant: null });
  });

  it('refuses a forged forwarded tenant that disagrees with the request', async () => {
    const route = server().withTenant(() => Response.json({ reached: true }));
    const forged = await handlerRequest('http://acme.example.test/api', 'alice', { 'x-tenancy-tenant': GLOBEX.id });
    const response = await route(forged, {});
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'TENANT_AMBIGUOUS' });
  });

  it('answers an unexpected handler error with a generic 500 that leaks nothing, and reports it to onError', async () => {
    const logged: unknown[] = [];
    const withLog = createTenancyServerWith(
      t.tenancy,
      { onError: (error) => logged.push(error) },
      async () => new Headers(),
    );
    const route = withLog.withTenant(() => {
      throw new Error('connection string postgres://admin:hunter2@db');
    });
    const response = await route(await handlerRequest('http://acme.example.test/api', 'alice'), {});
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).not.toContain('hunter2');
    expect(JSON.parse(text)).toEqual({
      type: 'about:blank',
      title: 'Internal Server Error',
      status: 500,
      detail: 'The server failed to handle the request.',
    });
    expect(logged.map((error) => (error as Error).message)).toEqual(['connection string postgres://admin:hunter2@db']);
  });
});

describe('getTenantSwitcherData', () => {
  it('lists the current tenant and the user’s active tenants as plain serializable summaries', async () => {
    const data = await serverFor(await headersOf('acme.example.test', {}, 'alice')).getTenantSwitcherData();
    expect(data).toEqual({
      current: { id: ACME.id, slug: 'acme', name: 'Acme', url: 'https://acme.example.test', roles: ['admin'] },
      tenants: [{ id: ACME.id, slug: 'acme', name: 'Acme', url: 'https://acme.example.test', roles: ['admin'] }],
    });
    expect(JSON.parse(JSON.stringify(data))).toEqual(data);
  });

  it('has no current tenant and no list for an anonymous request', async () => {
    expect(await serverFor(await headersOf('acme.example.test')).getTenantSwitcherData()).toEqual({
      current: null,
      tenants: [],
    });
  });
});
