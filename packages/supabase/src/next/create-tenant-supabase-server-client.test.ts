import type { Tenancy } from '@tenancy/core';
import { isTenancyError } from '@tenancy/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { switchActiveTenant } from '../client/switch-active-tenant.js';
import { ACME, ANON_KEY, clientTenancy, GLOBEX, tokenFor, USER } from '../testing/client-fixture.js';
import type { RecordedRequest, RecordingServer } from '../testing/recording-server.js';
import { startRecordingServer } from '../testing/recording-server.js';
import { cookieJar, sessionCookie, sessionFor } from '../testing/session-cookies.js';
import { createTenantSupabaseServerClient } from './create-tenant-supabase-server-client.js';

let server: RecordingServer;
let tenancy: Tenancy;

beforeAll(async () => {
  server = await startRecordingServer();
  tenancy = clientTenancy();
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
  server.respond(() => ({ status: 200, body: [] }));
});

const request = (slug: string) => new Request(`https://${slug}.example.com/dashboard`, { method: 'POST' });
const summary = (r: RecordedRequest) => ({ method: r.method, path: r.path, query: r.query, body: r.body });

/** Answers the Auth API's refresh with a new session whose token has `tenant` active; REST calls with `rest`. */
function authServer(
  nextToken: string,
  rest: (r: RecordedRequest) => { status: number; body?: unknown } = () => ({ status: 200, body: [] }),
) {
  server.respond((r) =>
    r.path === '/auth/v1/token' ? { status: 200, body: sessionFor(USER, nextToken, 'refresh-2') } : rest(r),
  );
}

async function serverClient(jar: ReturnType<typeof cookieJar>, slug = 'acme') {
  return createTenantSupabaseServerClient({
    supabaseUrl: server.url,
    supabaseKey: ANON_KEY,
    cookies: jar.methods,
    tenancy,
    request: request(slug),
  });
}

describe('createTenantSupabaseServerClient', () => {
  it('resolves the request with the cookie session and queries the resolved tenant with its token', async () => {
    const token = tokenFor(USER, ACME);
    const jar = cookieJar([sessionCookie(server.url, sessionFor(USER, token, 'refresh-1'))]);
    const { supabase, resolved } = await serverClient(jar);
    expect(resolved.tenant?.id).toBe(ACME);
    expect(resolved.principal?.id).toBe(USER);
    await supabase.from('projects').select('id');
    expect(server.requests.map((r) => ({ ...summary(r), authorization: r.authorization }))).toEqual([
      {
        method: 'GET',
        path: '/rest/v1/projects',
        query: [
          ['select', 'id'],
          ['tenant_id', `eq.${ACME}`],
        ],
        body: undefined,
        authorization: `Bearer ${token}`,
      },
    ]);
  });

  it('refreshes an expired session, writes the new cookies, and uses the new token', async () => {
    const fresh = tokenFor(USER, ACME);
    authServer(fresh);
    const jar = cookieJar([sessionCookie(server.url, sessionFor(USER, tokenFor(USER, ACME), 'refresh-1', -10))]);
    const { supabase } = await serverClient(jar);
    await supabase.from('projects').select('id');
    expect(server.requests.map(summary)).toEqual([
      {
        method: 'POST',
        path: '/auth/v1/token',
        query: [['grant_type', 'refresh_token']],
        body: { refresh_token: 'refresh-1' },
      },
      {
        method: 'GET',
        path: '/rest/v1/projects',
        query: [
          ['select', 'id'],
          ['tenant_id', `eq.${ACME}`],
        ],
        body: undefined,
      },
    ]);
    expect(server.requests[1]?.authorization).toBe(`Bearer ${fresh}`);
    expect(jar.written.map((c) => c.name)).toEqual(['sb-127-auth-token']);
  });

  it('refuses a request without a session', async () => {
    const error = await serverClient(cookieJar([])).catch((e: unknown) => e);
    expect(isTenancyError(error, 'UNAUTHENTICATED')).toBe(true);
    expect(server.requests).toEqual([]);
  });

  it("refuses a session whose active tenant is not the request's tenant", async () => {
    const jar = cookieJar([sessionCookie(server.url, sessionFor(USER, tokenFor(USER, ACME), 'refresh-1'))]);
    const error = await serverClient(jar, 'globex').catch((e: unknown) => e);
    expect(isTenancyError(error, 'TENANT_AMBIGUOUS')).toBe(true);
  });
});

describe('switchActiveTenant', () => {
  it('records the choice through the RPC, refreshes the session, and returns the token for the new tenant', async () => {
    const old = tokenFor(USER, ACME);
    const next = tokenFor(USER, GLOBEX);
    authServer(next, () => ({ status: 200, body: GLOBEX }));
    const jar = cookieJar([sessionCookie(server.url, sessionFor(USER, old, 'refresh-1'))]);
    const { auth } = await serverClient(jar);
    const session = await switchActiveTenant(auth, GLOBEX);
    expect(session.access_token).toBe(next);
    expect(server.requests.map((r) => ({ ...summary(r), authorization: r.authorization }))).toEqual([
      {
        method: 'POST',
        path: '/rest/v1/rpc/tenancy_switch_tenant',
        query: [],
        body: { target_tenant_id: GLOBEX },
        authorization: `Bearer ${old}`,
      },
      {
        method: 'POST',
        path: '/auth/v1/token',
        query: [['grant_type', 'refresh_token']],
        body: { refresh_token: 'refresh-1' },
        authorization: `Bearer ${ANON_KEY}`,
      },
    ]);
    expect(jar.written.map((c) => c.name)).toEqual(['sb-127-auth-token']);
    // The next request on the new tenant's host resolves with the new cookie session.
    server.requests.length = 0;
    server.respond(() => ({ status: 200, body: [] }));
    const { supabase } = await serverClient(jar, 'globex');
    expect(supabase.tenancy.tenantId).toBe(GLOBEX);
  });

  it('maps the database refusal to MEMBERSHIP_REQUIRED and does not refresh', async () => {
    server.respond(() => ({
      status: 403,
      body: { code: '42501', message: 'tenancy: you are not a member of that tenant', details: null, hint: null },
    }));
    const jar = cookieJar([sessionCookie(server.url, sessionFor(USER, tokenFor(USER, ACME), 'refresh-1'))]);
    const { auth } = await serverClient(jar);
    const error = await switchActiveTenant(auth, GLOBEX).catch((e: unknown) => e);
    expect(isTenancyError(error, 'MEMBERSHIP_REQUIRED')).toBe(true);
    expect(server.requests.map((r) => r.path)).toEqual(['/rest/v1/rpc/tenancy_switch_tenant']);
  });

  it('says the hook is not enabled when the refreshed token carries no tenant', async () => {
    authServer(tokenFor(USER, undefined), () => ({ status: 200, body: GLOBEX }));
    const jar = cookieJar([sessionCookie(server.url, sessionFor(USER, tokenFor(USER, ACME), 'refresh-1'))]);
    const { auth } = await serverClient(jar);
    const error = await switchActiveTenant(auth, GLOBEX).catch((e: unknown) => e);
    expect(isTenancyError(error, 'INVALID_CONFIG')).toBe(true);
    expect((error as Error).message).toMatch(/access token hook/);
  });

  it('refuses an id that is not a uuid before calling anything', async () => {
    const jar = cookieJar([sessionCookie(server.url, sessionFor(USER, tokenFor(USER, ACME), 'refresh-1'))]);
    const { auth } = await serverClient(jar);
    const error = await switchActiveTenant(auth, 'globex').catch((e: unknown) => e);
    expect(isTenancyError(error, 'INVALID_INPUT')).toBe(true);
    expect(server.requests).toEqual([]);
  });
});
