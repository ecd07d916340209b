import type { Tenancy } from '@tenancy/core';
import { isTenancyError } from '@tenancy/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ACME,
  ANON_KEY,
  clientTenancy,
  GLOBEX,
  OTHER_USER,
  resolveFor,
  SERVICE_ROLE_KEY,
  tokenFor,
  USER,
} from '../testing/client-fixture.js';
import type { RecordingServer } from '../testing/recording-server.js';
import { startRecordingServer } from '../testing/recording-server.js';
import { signToken } from '../testing/supabase-tokens.js';
import type { TenantSupabaseClient } from './create-tenant-supabase-client.js';
import { createTenantSupabaseClient } from './create-tenant-supabase-client.js';

const PROJECT = '20000000-0000-4000-8000-000000000001';
let server: RecordingServer;
let tenancy: Tenancy;

beforeAll(async () => {
  server = await startRecordingServer();
  tenancy = clientTenancy();
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
});

async function acmeClient(
  extra: Partial<Parameters<typeof createTenantSupabaseClient>[0]> = {},
): Promise<{ supabase: TenantSupabaseClient; token: string }> {
  const token = tokenFor(USER, ACME);
  const resolved = await resolveFor(tenancy, 'acme', token);
  const supabase = createTenantSupabaseClient({
    supabaseUrl: server.url,
    supabaseKey: ANON_KEY,
    accessToken: token,
    resolved,
    ...extra,
  });
  return { supabase, token };
}

/** The TenancyError code a call failed with (or 'no error'). */
async function codeOf(fn: () => unknown): Promise<string> {
  try {
    await fn();
    return 'no error';
  } catch (error) {
    return isTenancyError(error) ? error.code : `not a TenancyError: ${String(error)}`;
  }
}

describe('createTenantSupabaseClient', () => {
  it('sends the user token and the anon key, and filters a select to the tenant', async () => {
    const { supabase, token } = await acmeClient();
    const { error } = await supabase.from('projects').select('id, name').order('name');
    expect(error).toBeNull();
    expect(server.requests).toEqual([
      {
        method: 'GET',
        path: '/rest/v1/projects',
        query: [
          ['select', 'id,name'],
          ['tenant_id', `eq.${ACME}`],
          ['order', 'name.asc'],
        ],
        authorization: `Bearer ${token}`,
        apikey: ANON_KEY,
        prefer: undefined,
        profile: 'public',
        body: undefined,
      },
    ]);
    expect(supabase.tenancy).toEqual({ tenantId: ACME, userId: USER });
  });

  it('sets the tenant on inserted rows (one or many) and on upserts', async () => {
    const { supabase } = await acmeClient();
    await supabase.from('projects').insert({ name: 'one' });
    await supabase
      .from('projects')
      .insert([{ name: 'two' }, { name: 'three', tenant_id: ACME }])
      .select('id');
    await supabase.from('projects').upsert({ id: PROJECT, name: 'four' });
    expect(server.requests.map(({ method, query, body, prefer }) => ({ method, query, body, prefer }))).toEqual([
      { method: 'POST', query: [], body: { name: 'one', tenant_id: ACME }, prefer: undefined },
      {
        method: 'POST',
        query: [
          ['columns', '"name","tenant_id"'],
          ['select', 'id'],
        ],
        body: [
          { name: 'two', tenant_id: ACME },
          { name: 'three', tenant_id: ACME },
        ],
        prefer: 'return=representation',
      },
      {
        method: 'POST',
        query: [],
        body: { id: PROJECT, name: 'four', tenant_id: ACME },
        prefer: 'resolution=merge-duplicates',
      },
    ]);
  });

  it('refuses, before sending anything, a row or an update that names another tenant', async () => {
    const { supabase } = await acmeClient();
    expect(await codeOf(() => supabase.from('projects').insert({ name: 'x', tenant_id: GLOBEX }))).toBe(
      'PERMISSION_DENIED',
    );
    expect(
      await codeOf(() => supabase.from('projects').insert([{ name: 'ok' }, { name: 'x', tenant_id: GLOBEX }])),
    ).toBe('PERMISSION_DENIED');
    expect(await codeOf(() => supabase.from('projects').upsert({ id: PROJECT, tenant_id: GLOBEX }))).toBe(
      'PERMISSION_DENIED',
    );
    expect(await codeOf(() => supabase.from('projects').update({ tenant_id: GLOBEX }).eq('id', PROJECT))).toBe(
      'PERMISSION_DENIED',
    );
    expect(server.requests).toEqual([]);
  });

  it('filters updates and deletes to the tenant', async () => {
    const { supabase } = await acmeClient();
    await supabase.from('projects').update({ name: 'renamed' }).eq('id', PROJECT);
    await supabase.from('projects').delete().eq('id', PROJECT);
    expect(server.requests.map(({ method, query, body }) => ({ method, query, body }))).toEqual([
      {
        method: 'PATCH',
        query: [
          ['tenant_id', `eq.${ACME}`],
          ['id', `eq.${PROJECT}`],
        ],
        body: { name: 'renamed' },
      },
      {
        method: 'DELETE',
        query: [
          ['tenant_id', `eq.${ACME}`],
          ['id', `eq.${PROJECT}`],
        ],
        body: undefined,
      },
    ]);
  });

  it('leaves global tables unfiltered, uses per-table tenant columns, and scopes other schemas', async () => {
    const { supabase } = await acmeClient({
      globalTables: ['plans'],
      tenantColumns: { tenants: 'id', 'billing.invoices': 'org_id' },
    });
    await supabase.from('plans').select('id');
    await supabase.from('tenants').select('name');
    await supabase.schema('billing').from('invoices').select('total');
    expect(server.requests.map(({ path, query, profile }) => ({ path, query, profile }))).toEqual([
      { path: '/rest/v1/plans', query: [['select', 'id']], profile: 'public' },
      {
        path: '/rest/v1/tenants',
        query: [
          ['select', 'name'],
          ['id', `eq.${ACME}`],
        ],
        profile: 'public',
      },
      {
        path: '/rest/v1/invoices',
        query: [
          ['select', 'total'],
          ['org_id', `eq.${ACME}`],
        ],
        profile: 'billing',
      },
    ]);
  });

  it('sends RPC calls with the user token (row level security decides)', async () => {
    const { supabase, token } = await acmeClient();
    server.respond(() => ({ status: 200, body: 3 }));
    const { data } = await supabase.rpc('project_count', { since: '2025-01-01' });
    server.respond((r) => (r.method === 'GET' ? { status: 200, body: [] } : { status: 201, body: [] }));
    expect(data).toBe(3);
    expect(
      server.requests.map(({ method, path, body, authorization }) => ({ method, path, body, authorization })),
    ).toEqual([
      {
        method: 'POST',
        path: '/rest/v1/rpc/project_count',
        body: { since: '2025-01-01' },
        authorization: `Bearer ${token}`,
      },
    ]);
  });

  it("refuses a session whose active tenant is not the request's tenant", async () => {
    const token = tokenFor(USER, ACME);
    const resolved = await resolveFor(tenancy, 'globex', token);
    expect(resolved.tenant?.id).toBe(GLOBEX);
    const error = await Promise.resolve()
      .then(() =>
        createTenantSupabaseClient({ supabaseUrl: server.url, supabaseKey: ANON_KEY, accessToken: token, resolved }),
      )
      .catch((e: unknown) => e);
    expect(isTenancyError(error, 'TENANT_AMBIGUOUS')).toBe(true);
    expect((error as Error).message).not.toContain(ACME);
  });

  it('refuses a session without an active tenant (the hook is not enabled, or the user has none)', async () => {
    const token = tokenFor(USER, undefined);
    const resolved = await resolveFor(tenancy, 'acme', token);
    expect(
      await codeOf(() =>
        createTenantSupabaseClient({ supabaseUrl: server.url, supabaseKey: ANON_KEY, accessToken: token, resolved }),
      ),
    ).toBe('TENANT_AMBIGUOUS');
  });

  it('refuses a token that is not the verified principal', async () => {
    const resolved = await resolveFor(tenancy, 'acme', tokenFor(USER, ACME));
    const someoneElse = tokenFor(OTHER_USER, ACME);
    expect(
      await codeOf(() =>
        createTenantSupabaseClient({
          supabaseUrl: server.url,
          supabaseKey: ANON_KEY,
          accessToken: someoneElse,
          resolved,
        }),
      ),
    ).toBe('UNAUTHENTICATED');
  });

  it('refuses a request without a tenant context or without a principal', async () => {
    const anonymous = await resolveFor(tenancy, 'acme', undefined);
    expect(anonymous.context).toBeUndefined();
    expect(
      await codeOf(() =>
        createTenantSupabaseClient({
          supabaseUrl: server.url,
          supabaseKey: ANON_KEY,
          accessToken: tokenFor(USER, ACME),
          resolved: anonymous,
        }),
      ),
    ).toBe('TENANT_REQUIRED');
  });

  it('refuses the service-role key and service-role tokens', async () => {
    const token = tokenFor(USER, ACME);
    const resolved = await resolveFor(tenancy, 'acme', token);
    const attempt = (supabaseKey: string, accessToken: string) =>
      codeOf(() => createTenantSupabaseClient({ supabaseUrl: server.url, supabaseKey, accessToken, resolved }));
    expect(await attempt(SERVICE_ROLE_KEY, token)).toBe('INVALID_CONFIG');
    expect(await attempt('sb_secret_abc123', token)).toBe('INVALID_CONFIG');
    expect(await attempt(ANON_KEY, SERVICE_ROLE_KEY)).toBe('INVALID_CONFIG');
  });

  it('refuses an expired token', async () => {
    const now = Math.floor(Date.now() / 1000);
    const fresh = tokenFor(USER, ACME);
    const resolved = await resolveFor(tenancy, 'acme', fresh);
    const expired = signToken({
      ...JSON.parse(Buffer.from(fresh.split('.')[1] ?? '', 'base64url').toString()),
      exp: now - 1,
    });
    expect(
      await codeOf(() =>
        createTenantSupabaseClient({ supabaseUrl: server.url, supabaseKey: ANON_KEY, accessToken: expired, resolved }),
      ),
    ).toBe('UNAUTHENTICATED');
  });

  it('has no auth API: the token is fixed for the request', async () => {
    const { supabase } = await acmeClient();
    expect(() => supabase.auth.getSession()).toThrow(/accessToken option/);
  });
});
