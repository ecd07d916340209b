// The hostile cases of the issue, over real HTTP against the app on an ephemeral port: every answer is asserted with
// its exact status and problem+json code, and no request may end in a 500.
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from './testing/test-app.js';
import { startTestApp, TEST_JWT_SECRET } from './testing/test-app.js';

let app: TestApp;
const ACME = 'acme.localhost';
const GLOBEX = 'globex.localhost';
const BARE = 'localhost';

beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});

const sign = (claims: Record<string, unknown>, options: { secret?: string; exp?: number; sub: string }) =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(options.sub)
    .setExpirationTime(options.exp ?? Math.floor(Date.now() / 1000) + 600)
    .sign(new TextEncoder().encode(options.secret ?? TEST_JWT_SECRET));

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

function expectProblem(
  res: { status: number; contentType: string | undefined; body: { code?: string } },
  status: number,
  code: string,
) {
  expect({ status: res.status, code: res.body?.code }).toEqual({ status, code });
  expect(res.contentType).toMatch(/^application\/problem\+json/);
}

async function projectNames(host: string, token: string): Promise<string[]> {
  const res = await app.request(host, '/projects?limit=100', { token });
  expect(res.status).toBe(200);
  return (res.body.items as Array<{ name: string }>).map((p) => p.name).sort();
}

describe('another tenant’s ids in URLs', () => {
  it('answers 404 NOT_FOUND, not 403, for a globex project read, changed or deleted through acme', async () => {
    const globexProject = app.demo.tenants.globex.projectIds[0];
    const path = `/projects/${globexProject}`;
    const { ADA } = app.tokens;
    expectProblem(await app.request(ACME, path, { token: ADA }), 404, 'NOT_FOUND');
    expectProblem(
      await app.request(ACME, path, { token: ADA, method: 'PATCH', body: { name: 'mine now' } }),
      404,
      'NOT_FOUND',
    );
    expectProblem(await app.request(ACME, path, { token: ADA, method: 'DELETE' }), 404, 'NOT_FOUND');
    // The row is untouched: globex still sees it under its own name.
    expect(await projectNames(GLOBEX, app.tokens.GRACE)).toEqual(['Project Hammock']);
  });

  it('answers 404 for a globex workspace in a task path, and for a globex project in a new task', async () => {
    const { acme, globex } = app.demo.tenants;
    const { ADA } = app.tokens;
    expectProblem(
      await app.request(ACME, `/workspaces/${globex.defaultWorkspaceId}/tasks`, { token: ADA }),
      404,
      'NOT_FOUND',
    );
    const intoGlobex = await app.request(ACME, `/workspaces/${globex.defaultWorkspaceId}/tasks`, {
      token: ADA,
      method: 'POST',
      body: { projectId: acme.projectIds[0], title: 'sneak in' },
    });
    expectProblem(intoGlobex, 404, 'NOT_FOUND');
    expect(intoGlobex.body.detail).toBe('No workspace with this id.');
    const withGlobexProject = await app.request(ACME, `/workspaces/${acme.defaultWorkspaceId}/tasks`, {
      token: ADA,
      method: 'POST',
      body: { projectId: globex.projectIds[0], title: 'point at globex' },
    });
    expectProblem(withGlobexProject, 404, 'NOT_FOUND');
    expect(withGlobexProject.body.detail).toBe('No project with this id.');
  });

  it('answers 404 for a globex member id and a globex invitation id', async () => {
    const { ADA, GRACE } = app.tokens;
    const invite = await app.request(GLOBEX, '/invitations', {
      token: GRACE,
      method: 'POST',
      body: { email: 'pending@globex.test', role: 'member' },
    });
    expect(invite.status).toBe(201);
    expectProblem(
      await app.request(ACME, `/members/${app.demo.users.grace.id}`, {
        token: ADA,
        method: 'PATCH',
        body: { roles: ['viewer'] },
      }),
      404,
      'NOT_FOUND',
    );
    expectProblem(
      await app.request(ACME, `/members/${app.demo.users.grace.id}`, { token: ADA, method: 'DELETE' }),
      404,
      'NOT_FOUND',
    );
    expectProblem(
      await app.request(ACME, `/invitations/${invite.body.id}`, { token: ADA, method: 'DELETE' }),
      404,
      'NOT_FOUND',
    );
    // Still pending in globex.
    const pending = await app.request(GLOBEX, '/invitations', { token: GRACE });
    expect(pending.body.items.map((i: { email: string }) => i.email)).toEqual(['pending@globex.test']);
  });
});

describe('tokens', () => {
  it('refuses a token for acme on globex’s host with 400 TENANT_AMBIGUOUS', async () => {
    expectProblem(await app.request(GLOBEX, '/projects', { token: app.tokens.ADA }), 400, 'TENANT_AMBIGUOUS');
  });

  it('refuses a token without a tenant claim on a tenant the user is not a member of with 403 MEMBERSHIP_REQUIRED', async () => {
    const token = await sign({}, { sub: app.demo.users.ada.id });
    expectProblem(await app.request(GLOBEX, '/projects', { token }), 403, 'MEMBERSHIP_REQUIRED');
  });

  it('refuses an unsigned token (alg none) with 401', async () => {
    const payload = {
      sub: app.demo.users.ada.id,
      tid: app.demo.tenants.acme.id,
      exp: Math.floor(Date.now() / 1000) + 600,
    };
    const token = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(payload)}.`;
    expectProblem(await app.request(ACME, '/projects', { token }), 401, 'UNAUTHENTICATED');
  });

  it('refuses a token signed with another secret with 401', async () => {
    const token = await sign({ tid: app.demo.tenants.acme.id }, { sub: app.demo.users.ada.id, secret: 'x'.repeat(40) });
    const res = await app.request(ACME, '/projects', { token });
    expectProblem(res, 401, 'UNAUTHENTICATED');
    expect(res.body.detail).toBe('The token signature is invalid.');
  });

  it('refuses an expired token with 401 and says it expired', async () => {
    const token = await sign(
      { tid: app.demo.tenants.acme.id },
      { sub: app.demo.users.ada.id, exp: Math.floor(Date.now() / 1000) - 60 },
    );
    const res = await app.request(ACME, '/projects', { token });
    expectProblem(res, 401, 'UNAUTHENTICATED');
    expect(res.body.detail).toMatch(/expired/);
  });

  it('refuses a malformed Authorization header with 401 instead of treating the request as anonymous', async () => {
    expectProblem(
      await app.request(ACME, '/projects', { headers: { authorization: 'Bearer' } }),
      401,
      'UNAUTHENTICATED',
    );
    expectProblem(await app.request(ACME, '/projects', { token: 'not.a.jwt' }), 401, 'UNAUTHENTICATED');
  });

  it('answers 401 without any token', async () => {
    expectProblem(await app.request(ACME, '/projects'), 401, 'UNAUTHENTICATED');
  });
});

describe('spoofed forwarded headers', () => {
  it('ignores X-Forwarded-Host and Forwarded: the Host header names the tenant', async () => {
    const { ADA, GRACE } = app.tokens;
    const acmeNames = await projectNames(ACME, ADA);
    for (const headers of [{ 'x-forwarded-host': GLOBEX }, { forwarded: `host=${GLOBEX}` }]) {
      const res = await app.request(ACME, '/projects?limit=100', { token: ADA, headers });
      expect(res.status).toBe(200);
      expect(res.body.items.map((p: { name: string }) => p.name).sort()).toEqual(acmeNames);
    }
    // Grace on her own host asking for acme through the header: still globex's data.
    const res = await app.request(GLOBEX, '/projects', { token: GRACE, headers: { 'x-forwarded-host': ACME } });
    expect(res.body.items.map((p: { name: string }) => p.name)).toEqual(['Project Hammock']);
  });

  it('does not let X-Forwarded-Host name a tenant on the bare host', async () => {
    const token = await sign({}, { sub: app.demo.users.ada.id });
    expectProblem(
      await app.request(BARE, '/projects', { token, headers: { 'x-forwarded-host': ACME } }),
      400,
      'TENANT_REQUIRED',
    );
  });

  it('refuses an x-tenant header that disagrees with the host with 400 TENANT_AMBIGUOUS', async () => {
    expectProblem(
      await app.request(ACME, '/projects', { token: app.tokens.ADA, headers: { 'x-tenant': 'globex' } }),
      400,
      'TENANT_AMBIGUOUS',
    );
  });
});

describe('malformed input', () => {
  it('answers 400 INVALID_INPUT for malformed ids in paths', async () => {
    for (const id of ['123', 'not-a-uuid', "1'%20or%20'1'='1", '00000000-0000-0000-0000-00000000000g']) {
      expectProblem(await app.request(ACME, `/projects/${id}`, { token: app.tokens.ADA }), 400, 'INVALID_INPUT');
    }
    expectProblem(await app.request(ACME, '/workspaces/nope/tasks', { token: app.tokens.ADA }), 400, 'INVALID_INPUT');
  });

  it('answers 400 INVALID_INPUT for a body that is not JSON, without echoing it', async () => {
    const res = await app.request(ACME, '/projects', {
      token: app.tokens.ADA,
      method: 'POST',
      rawBody: '{"name": "x",',
    });
    expectProblem(res, 400, 'INVALID_INPUT');
    expect(res.body.detail).toBe('The request body is not valid JSON.');
  });

  it('answers 400 INVALID_INPUT naming the field for wrong types, unknown fields and missing bodies', async () => {
    const post = (body: unknown) => app.request(ACME, '/projects', { token: app.tokens.ADA, method: 'POST', body });
    const wrongType = await post({ name: 42 });
    expectProblem(wrongType, 400, 'INVALID_INPUT');
    expect(wrongType.body.detail).toMatch(/^body\.name: /);
    expectProblem(await post({ name: 'ok', owner: 'me' }), 400, 'INVALID_INPUT');
    expectProblem(await post({ name: '   ' }), 400, 'INVALID_INPUT');
    expectProblem(await post({ name: 'x'.repeat(201) }), 400, 'INVALID_INPUT');
    expectProblem(await post([1, 2]), 400, 'INVALID_INPUT');
    expectProblem(
      await app.request(ACME, '/projects', { token: app.tokens.ADA, method: 'POST' }),
      400,
      'INVALID_INPUT',
    );
  });

  it('answers 413 for a body over the limit', async () => {
    const res = await app.request(ACME, '/projects', {
      token: app.tokens.ADA,
      method: 'POST',
      body: { name: 'big', description: 'x'.repeat(200_000) },
    });
    expect(res.status).toBe(413);
  });

  it('answers 400 for a malformed Host header', async () => {
    expectProblem(
      await app.request('evil@acme.localhost', '/projects', { token: app.tokens.ADA }),
      400,
      'INVALID_INPUT',
    );
  });

  it('keeps pagination within bounds', async () => {
    for (const query of [
      'limit=0',
      'limit=101',
      'limit=abc',
      'offset=-1',
      'offset=10001',
      'limit=1.5',
      'limit=1&limit=2',
      'page=2',
    ]) {
      expectProblem(await app.request(ACME, `/projects?${query}`, { token: app.tokens.ADA }), 400, 'INVALID_INPUT');
    }
    const full = await app.request(ACME, '/projects?limit=100&offset=10000', { token: app.tokens.ADA });
    expect([full.status, full.body.items, full.body.nextOffset]).toEqual([200, [], null]);
  });
});

describe('a suspended tenant', () => {
  it('is suspended by a platform admin only, audited, and refused to its members until reactivated', async () => {
    const { globex } = app.demo.tenants;
    const { GRACE, ADA, OPS } = app.tokens;
    const suspend = (token?: string) =>
      app.request(BARE, `/platform/tenants/${globex.id}/suspend`, {
        method: 'POST',
        body: { reason: 'invoice 2024-118 unpaid' },
        ...(token === undefined ? {} : { token }),
      });
    expectProblem(await suspend(), 401, 'UNAUTHENTICATED');
    // A tenant owner is not a platform admin, on the bare domain or on a tenant's host.
    expectProblem(await suspend(await sign({}, { sub: app.demo.users.ada.id })), 403, 'PERMISSION_DENIED');
    expectProblem(
      await app.request(ACME, `/platform/tenants/${globex.id}/suspend`, {
        method: 'POST',
        token: ADA,
        body: { reason: 'x' },
      }),
      403,
      'PERMISSION_DENIED',
    );
    expect((await app.request(GLOBEX, '/projects', { token: GRACE })).status).toBe(200);

    const res = await suspend(OPS);
    expect([res.status, res.body]).toEqual([200, { tenantId: globex.id, status: 'suspended', changed: true }]);

    expectProblem(await app.request(GLOBEX, '/projects', { token: GRACE }), 403, 'TENANT_SUSPENDED');
    const signIn = await app.request(GLOBEX, '/auth/sign-in', {
      method: 'POST',
      body: { email: 'grace@globex.test', password: app.demo.password },
    });
    expectProblem(signIn, 403, 'TENANT_SUSPENDED');
    // Acme is untouched.
    expect((await app.request(ACME, '/projects', { token: ADA })).status).toBe(200);

    const audit = await app.db.sql<Array<{ action: string; actor_id: string; data: { reason?: string } }>>`
      select action, actor_id, data from tenancy.audit_log
      where tenant_id = ${globex.id} and action = 'tenant.suspended'`;
    expect([...audit]).toEqual([
      { action: 'tenant.suspended', actor_id: app.demo.users.ops.id, data: { reason: 'invoice 2024-118 unpaid' } },
    ]);

    const again = await app.request(BARE, `/platform/tenants/${globex.id}/reactivate`, { method: 'POST', token: OPS });
    expect([again.status, again.body.changed]).toEqual([200, true]);
    expect((await app.request(GLOBEX, '/projects', { token: GRACE })).status).toBe(200);
  });

  it('answers 404 TENANT_NOT_FOUND for suspending a tenant that does not exist', async () => {
    const res = await app.request(BARE, '/platform/tenants/00000000-0000-4000-8000-000000000001/suspend', {
      method: 'POST',
      token: app.tokens.OPS,
      body: { reason: 'no such tenant' },
    });
    expectProblem(res, 404, 'TENANT_NOT_FOUND');
  });
});

describe('the whole suite', () => {
  it('never answered with a 500', () => {
    expect(app.serverErrors).toEqual([]);
  });
});
