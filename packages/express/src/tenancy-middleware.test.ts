import { setTimeout as sleep } from 'node:timers/promises';
import type { Tenancy } from '@tenancy/core';
import { getTenant, requireTenant as requireTenantContext, TenancyError } from '@tenancy/core';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from './http.test-helper.js';
import { requirePermission } from './require-permission.js';
import { requireTenant } from './require-tenant.js';
import { tenancyErrorHandler } from './tenancy-error-handler.js';
import { tenancyMiddleware } from './tenancy-middleware.js';
import { tenancyOf } from './tenancy-of.js';
import { ACME, createTestTenancy, GLOBEX, type TestPermission, type TestTenancy } from './test-tenancy.test-helper.js';

let t: TestTenancy;
let server: TestServer;
let trusting: TestServer;
const logged: unknown[] = [];

function buildApp(trustProxy: boolean) {
  const app = express();
  app.set('trust proxy', trustProxy);
  app.use(tenancyMiddleware(t.tenancy));
  app.get('/whoami', async (req, res) => {
    const { delay = 0 } = req.query;
    await sleep(Number(delay));
    await Promise.resolve();
    res.json({ tenantId: getTenant()?.tenantId ?? null, slug: tenancyOf(req).tenant?.slug ?? null });
  });
  app.get('/app', requireTenant(), (_req, res) => {
    res.json({ tenantId: requireTenantContext().tenantId });
  });
  app.get('/projects', requirePermission('project:read'), (_req, res) => {
    res.json({ tenantId: requireTenantContext().tenantId });
  });
  app.post('/projects', requirePermission('project:write'), (_req, res) => {
    res.status(201).json({ tenantId: requireTenantContext().tenantId });
  });
  app.post(
    '/w/:workspaceId/projects',
    requirePermission('project:write', { workspaceId: ({ params: { workspaceId } }) => workspaceId }),
    (req, res) => {
      const { workspaceId } = req.params;
      res.status(201).json({ workspaceId });
    },
  );
  app.post('/echo', express.json(), async (req, res) => {
    await sleep(1);
    res.json({ body: req.body as unknown, tenantId: getTenant()?.tenantId ?? null });
  });
  app.get('/boom', () => {
    throw new Error('database password is hunter2');
  });
  app.use(tenancyErrorHandler({ onError: (error) => logged.push(error) }));
  return app;
}

beforeAll(async () => {
  t = await createTestTenancy();
  server = await startServer(buildApp(false));
  trusting = await startServer(buildApp(true));
});

afterAll(async () => {
  await server.close();
  await trusting.close();
});

const bearer = async (user: string) => ({ authorization: `Bearer ${await t.tokenFor(user)}` });

describe('tenancyMiddleware', () => {
  it('runs the handler in the tenant of the subdomain, still after awaits and timers', async () => {
    const response = await server.fetch('acme.example.test', '/whoami?delay=5', { headers: await bearer('alice') });
    expect(response.status).toBe(200);
    expect(response.json()).toEqual({ tenantId: ACME.id, slug: 'acme' });
  });

  it('never lets two concurrent requests for different tenants see each other', async () => {
    const [alice, bob] = [await bearer('alice'), await bearer('bob')];
    const responses = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        i % 2 === 0
          ? server.fetch('acme.example.test', `/whoami?delay=${i % 7}`, { headers: alice })
          : server.fetch('globex.example.test', `/whoami?delay=${(i * 3) % 7}`, { headers: bob }),
      ),
    );
    expect(responses.map((r) => r.json())).toEqual(
      Array.from({ length: 40 }, (_, i) =>
        i % 2 === 0 ? { tenantId: ACME.id, slug: 'acme' } : { tenantId: GLOBEX.id, slug: 'globex' },
      ),
    );
  });

  it('keeps the tenant context through express.json() parsing the body', async () => {
    const response = await server.fetch('acme.example.test', '/echo', {
      method: 'POST',
      headers: { ...(await bearer('alice')), 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Rocket' }),
    });
    expect(response.status).toBe(200);
    expect(response.json()).toEqual({ body: { name: 'Rocket' }, tenantId: ACME.id });
  });

  it('runs outside any tenant when the request is anonymous: the resolution is there, the context is not', async () => {
    const response = await server.fetch('acme.example.test', '/whoami');
    expect(response.json()).toEqual({ tenantId: null, slug: 'acme' });
  });

  it('answers an unknown tenant with 404 TENANT_NOT_FOUND', async () => {
    const response = await server.fetch('nope.example.test', '/whoami', { headers: await bearer('alice') });
    expect(response.status).toBe(404);
    expect(response.json()).toMatchObject({ status: 404, code: 'TENANT_NOT_FOUND' });
  });

  it('answers a suspended tenant with 403 TENANT_SUSPENDED', async () => {
    const response = await server.fetch('initech.example.test', '/whoami', { headers: await bearer('alice') });
    expect(response.status).toBe(403);
    expect(response.json()).toMatchObject({ status: 403, code: 'TENANT_SUSPENDED' });
  });

  it('answers two sources naming different tenants with 400 TENANT_AMBIGUOUS', async () => {
    const response = await server.fetch('acme.example.test', '/whoami', {
      headers: { ...(await bearer('alice')), 'x-tenant-slug': 'globex' },
    });
    expect(response.status).toBe(400);
    expect(response.json()).toMatchObject({ status: 400, code: 'TENANT_AMBIGUOUS' });
  });

  it('refuses a principal that is not a member of the tenant with 403 MEMBERSHIP_REQUIRED', async () => {
    const response = await server.fetch('globex.example.test', '/whoami', { headers: await bearer('alice') });
    expect(response.status).toBe(403);
    expect(response.json()).toMatchObject({ code: 'MEMBERSHIP_REQUIRED' });
  });
});

describe('req.tenancy', () => {
  it('reaches handlers of a mounted sub-app, of a second app and of an outer app after a sub-app, and is never an own property of the request', async () => {
    const seen: Array<{ slug: string | null; own: boolean }> = [];
    const record = (req: express.Request, res: express.Response) => {
      seen.push({ slug: tenancyOf(req).tenant?.slug ?? null, own: Object.hasOwn(req, 'tenancy') });
      res.json({ slug: req.tenancy?.tenant?.slug ?? null });
    };
    const sub = express();
    sub.get('/where', record);
    const parent = express();
    parent.use(tenancyMiddleware(t.tenancy));
    parent.use('/sub', sub);
    parent.get('/where', record);
    const other = express();
    other.use(tenancyMiddleware(t.tenancy));
    other.get('/where', record);
    // The middleware only in a mounted sub-app that handles nothing: the request falls through to the outer app's
    // route, whose request object is not the sub-app's.
    const inner = express();
    inner.use(tenancyMiddleware(t.tenancy));
    const outer = express();
    outer.use('/inner', inner);
    outer.get('/inner/where', record);
    const [a, b, c] = [await startServer(parent), await startServer(other), await startServer(outer)];
    try {
      const headers = await bearer('alice');
      const statuses = [];
      for (const [s, host, path] of [
        [a, 'acme.example.test', '/sub/where'],
        [a, 'acme.example.test', '/where'],
        [b, 'globex.example.test', '/where'],
        [a, 'globex.example.test', '/sub/where'],
        [c, 'acme.example.test', '/inner/where'],
      ] as const) {
        statuses.push((await s.fetch(host, path, { headers: host.startsWith('acme') ? headers : {} })).status);
      }
      expect(statuses).toEqual([200, 200, 200, 200, 200]);
      expect(seen).toEqual([
        { slug: 'acme', own: false },
        { slug: 'acme', own: false },
        { slug: 'globex', own: false },
        { slug: 'globex', own: false },
        { slug: 'acme', own: false },
      ]);
    } finally {
      await a.close();
      await b.close();
      await c.close();
    }
  });
});

describe('tenancyMiddleware with cached answers', () => {
  it('answers alike whether resolution had to wait or found everything cached', async () => {
    const app = express();
    const fresh = await createTestTenancy();
    app.use(tenancyMiddleware(fresh.tenancy));
    app.get('/projects', requirePermission('project:write'), async (_req, res) => {
      await sleep(1);
      res.json({ tenantId: getTenant()?.tenantId ?? null });
    });
    app.use(tenancyErrorHandler({ onError: (error) => logged.push(error) }));
    const own = await startServer(app);
    try {
      const [alice, victor] = [
        { authorization: `Bearer ${await fresh.tokenFor('alice')}` },
        { authorization: `Bearer ${await fresh.tokenFor('victor')}` },
      ];
      for (let round = 0; round < 3; round++) {
        const ok = await own.fetch('acme.example.test', '/projects', { headers: alice });
        const denied = await own.fetch('acme.example.test', '/projects', { headers: victor });
        const unknown = await own.fetch('nope.example.test', '/projects', { headers: alice });
        const stranger = await own.fetch('globex.example.test', '/projects', { headers: alice });
        expect([ok.status, denied.status, unknown.status, stranger.status]).toEqual([200, 403, 404, 403]);
        expect(ok.json()).toEqual({ tenantId: ACME.id });
        expect([denied.json(), unknown.json(), stranger.json()]).toMatchObject([
          { code: 'PERMISSION_DENIED' },
          { code: 'TENANT_NOT_FOUND' },
          { code: 'MEMBERSHIP_REQUIRED' },
        ]);
      }
    } finally {
      await own.close();
    }
  });

  it('calls the resolve() of a tenancy that replaced it, never the one it replaced', async () => {
    const refused: string[] = [];
    const wrapped: Tenancy<TestPermission> = {
      ...t.tenancy,
      async resolve(request, options) {
        const resolved = await t.tenancy.resolve(request, options);
        // A rule of your own on top of core's: the middleware must not skip it, cached or not.
        if (resolved.tenant?.slug === 'acme') {
          refused.push('acme');
          throw new TenancyError('PERMISSION_DENIED', 'Acme is closed today.');
        }
        return resolved;
      },
    };
    const app = express();
    app.use(tenancyMiddleware(wrapped));
    app.get('/whoami', (req, res) => res.json({ slug: tenancyOf(req).tenant?.slug ?? null }));
    app.use(tenancyErrorHandler({ onError: (error) => logged.push(error) }));
    const own = await startServer(app);
    try {
      for (let round = 0; round < 2; round++) {
        const acme = await own.fetch('acme.example.test', '/whoami', { headers: await bearer('alice') });
        expect(acme.status).toBe(403);
        const globex = await own.fetch('globex.example.test', '/whoami', { headers: await bearer('bob') });
        expect(globex.json()).toEqual({ slug: 'globex' });
      }
      expect(refused).toEqual(['acme', 'acme']);
    } finally {
      await own.close();
    }
  });
});

describe('trust proxy', () => {
  it('ignores a spoofed X-Forwarded-Host when Express does not trust the proxy', async () => {
    const response = await server.fetch('acme.example.test', '/whoami', {
      headers: { ...(await bearer('alice')), 'x-forwarded-host': 'globex.example.test' },
    });
    expect(response.status).toBe(200);
    expect(response.json()).toEqual({ tenantId: ACME.id, slug: 'acme' });
  });

  it('ignores a spoofed Forwarded host whatever Express trusts: only X-Forwarded-Host is Express’s', async () => {
    const response = await trusting.fetch('acme.example.test', '/whoami', {
      headers: { ...(await bearer('alice')), forwarded: 'host=globex.example.test' },
    });
    expect(response.json()).toEqual({ tenantId: ACME.id, slug: 'acme' });
  });

  it('honours X-Forwarded-Host when Express trusts the proxy', async () => {
    const response = await trusting.fetch('127.0.0.1', '/whoami', {
      headers: { ...(await bearer('bob')), 'x-forwarded-host': 'globex.example.test' },
    });
    expect(response.status).toBe(200);
    expect(response.json()).toEqual({ tenantId: GLOBEX.id, slug: 'globex' });
  });
});

describe('requireTenant', () => {
  it('lets a member through in the tenant context', async () => {
    const response = await server.fetch('acme.example.test', '/app', { headers: await bearer('alice') });
    expect(response.status).toBe(200);
    expect(response.json()).toEqual({ tenantId: ACME.id });
  });

  it('refuses a request without a tenant context with 400 TENANT_REQUIRED', async () => {
    const anonymous = await server.fetch('acme.example.test', '/app');
    expect(anonymous.status).toBe(400);
    expect(anonymous.json()).toMatchObject({ code: 'TENANT_REQUIRED' });
    const noTenant = await server.fetch('example.test', '/app', { headers: await bearer('alice') });
    expect(noTenant.json()).toMatchObject({ code: 'TENANT_REQUIRED' });
  });

  it('refuses with TENANT_REQUIRED on a route the middleware does not cover', async () => {
    const app = express();
    app.get('/app', requireTenant(), (_req, res) => res.json({ reached: true }));
    app.use(tenancyErrorHandler());
    const bare = await startServer(app);
    try {
      const response = await bare.fetch('acme.example.test', '/app');
      expect(response.status).toBe(400);
      expect(response.json()).toMatchObject({ code: 'TENANT_REQUIRED' });
    } finally {
      await bare.close();
    }
  });
});

describe('requirePermission', () => {
  it('answers a protected route without a token with 401 UNAUTHENTICATED', async () => {
    const response = await server.fetch('acme.example.test', '/projects');
    expect(response.status).toBe(401);
    expect(response.json()).toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('answers a member without the permission with 403 PERMISSION_DENIED', async () => {
    const response = await server.fetch('acme.example.test', '/projects', {
      method: 'POST',
      headers: await bearer('victor'),
    });
    expect(response.status).toBe(403);
    expect(response.json()).toMatchObject({ code: 'PERMISSION_DENIED' });
  });

  it('lets a member with the permission through', async () => {
    const response = await server.fetch('acme.example.test', '/projects', {
      method: 'POST',
      headers: await bearer('alice'),
    });
    expect(response.status).toBe(201);
    expect(response.json()).toEqual({ tenantId: ACME.id });
  });

  it('checks the workspace the route names, so a workspace role counts only there', async () => {
    const inW1 = await server.fetch('acme.example.test', '/w/w1/projects', {
      method: 'POST',
      headers: await bearer('victor'),
    });
    expect(inW1.status).toBe(201);
    expect(inW1.json()).toEqual({ workspaceId: 'w1' });
    const inW2 = await server.fetch('acme.example.test', '/w/w2/projects', {
      method: 'POST',
      headers: await bearer('victor'),
    });
    expect(inW2.status).toBe(403);
    expect(inW2.json()).toMatchObject({ code: 'PERMISSION_DENIED' });
  });
});

describe('tenancyErrorHandler', () => {
  it('answers problem+json with type, title, status, detail and code, without a stack', async () => {
    const response = await server.fetch('nope.example.test', '/whoami');
    expect(response.contentType).toBe('application/problem+json; charset=utf-8');
    const body = response.json() as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['code', 'detail', 'status', 'title', 'type']);
    expect(body).toMatchObject({
      type: 'https://github.com/tenancy/tenancy/blob/main/docs/errors.md#tenant_not_found',
      title: 'Tenant not found',
      status: 404,
      code: 'TENANT_NOT_FOUND',
    });
    expect(response.text).not.toMatch(/at .*\.ts:\d+/);
  });

  it('answers an unexpected error with a generic 500 and hands the error to onError', async () => {
    logged.length = 0;
    const response = await server.fetch('acme.example.test', '/boom', { headers: await bearer('alice') });
    expect(response.status).toBe(500);
    expect(response.contentType).toBe('application/problem+json; charset=utf-8');
    expect(response.json()).toEqual({
      type: 'about:blank',
      title: 'Internal Server Error',
      status: 500,
      detail: 'The server failed to handle the request.',
    });
    expect(response.text).not.toContain('hunter2');
    expect(logged).toHaveLength(1);
    expect((logged[0] as Error).message).toBe('database password is hunter2');
  });

  it('answers a malformed JSON body with 400 INVALID_INPUT, not 500, without echoing the body', async () => {
    logged.length = 0;
    const response = await server.fetch('acme.example.test', '/echo', {
      method: 'POST',
      headers: { ...(await bearer('alice')), 'content-type': 'application/json' },
      body: '{"name": secret-value',
    });
    expect(response.status).toBe(400);
    expect(response.json()).toEqual({
      type: 'https://github.com/tenancy/tenancy/blob/main/docs/errors.md#invalid_input',
      title: 'Invalid input',
      status: 400,
      detail: 'The request body is not valid JSON.',
      code: 'INVALID_INPUT',
    });
    expect(response.text).not.toContain('secret-value');
    expect(logged).toEqual([]);
  });

  it('keeps the 4xx status of other client errors body-parser raises', async () => {
    const response = await server.fetch('acme.example.test', '/echo', {
      method: 'POST',
      headers: { ...(await bearer('alice')), 'content-type': 'application/json; charset=latin1' },
      body: '{}',
    });
    expect(response.status).toBe(415);
    expect(response.json()).toMatchObject({ status: 415, title: 'Unsupported Media Type' });
  });
});
