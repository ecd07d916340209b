import type { AuditEvent, Principal } from '@tenancy/core';
import { isTenancyError } from '@tenancy/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ACME, GLOBEX, SERVICE_ROLE_KEY } from '../testing/client-fixture.js';
import type { RecordingServer } from '../testing/recording-server.js';
import { startRecordingServer } from '../testing/recording-server.js';
import { createPlatformSupabaseClient } from './create-platform-supabase-client.js';

const ADMIN: Principal = { id: 'ops-1', claims: { sub: 'ops-1', exp: 4000000000 }, platformAdmin: true };
const NOT_ADMIN: Principal = { id: 'user-1', claims: { sub: 'user-1', exp: 4000000000 }, platformAdmin: false };
let server: RecordingServer;

beforeAll(async () => {
  server = await startRecordingServer();
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
});

function platform(overrides: Partial<Parameters<typeof createPlatformSupabaseClient>[0]> = {}) {
  const events: AuditEvent[] = [];
  const client = createPlatformSupabaseClient({
    supabaseUrl: server.url,
    serviceRoleKey: SERVICE_ROLE_KEY,
    principal: ADMIN,
    tenantId: ACME,
    reason: 'ticket 4411: restore a deleted project',
    audit: (event) => {
      events.push(event);
    },
    ...overrides,
  });
  return { client, events };
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  return isTenancyError(error) ? error.code : `not a TenancyError: ${String(error)}`;
}

describe('createPlatformSupabaseClient', () => {
  it('records platform.access before handing out the client, then sends the service key scoped to the tenant', async () => {
    const { client, events } = platform();
    const supabase = await client;
    expect(events).toEqual([
      {
        type: 'platform.access',
        at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
        tenantId: ACME,
        principalId: 'ops-1',
        reason: 'ticket 4411: restore a deleted project',
      },
    ]);
    expect(supabase.tenancy).toEqual({
      tenantId: ACME,
      userId: 'ops-1',
      platform: { reason: 'ticket 4411: restore a deleted project' },
    });
    await supabase.from('projects').select('id');
    await supabase.from('projects').insert({ name: 'restored' });
    expect(
      server.requests.map(({ method, query, body, authorization, apikey }) => ({
        method,
        query,
        body,
        authorization,
        apikey,
      })),
    ).toEqual([
      {
        method: 'GET',
        query: [
          ['select', 'id'],
          ['tenant_id', `eq.${ACME}`],
        ],
        body: undefined,
        authorization: `Bearer ${SERVICE_ROLE_KEY}`,
        apikey: SERVICE_ROLE_KEY,
      },
      {
        method: 'POST',
        query: [],
        body: { name: 'restored', tenant_id: ACME },
        authorization: `Bearer ${SERVICE_ROLE_KEY}`,
        apikey: SERVICE_ROLE_KEY,
      },
    ]);
  });

  it('refuses a row for another tenant even though the service role would bypass RLS', async () => {
    const supabase = await platform().client;
    await expect(
      Promise.resolve().then(() => supabase.from('projects').insert({ tenant_id: GLOBEX })),
    ).rejects.toMatchObject({
      code: 'PERMISSION_DENIED',
    });
    expect(server.requests).toEqual([]);
  });

  it('refuses principals that are not platform admins, without auditing', async () => {
    const { client, events } = platform({ principal: NOT_ADMIN });
    expect(await codeOf(client)).toBe('PERMISSION_DENIED');
    expect(events).toEqual([]);
  });

  it('needs a reason', async () => {
    expect(await codeOf(platform({ reason: '  ' }).client)).toBe('INVALID_INPUT');
    expect(await codeOf(platform({ reason: 'x'.repeat(501) }).client)).toBe('INVALID_INPUT');
    expect(await codeOf(platform({ reason: 'line\nbreak' }).client)).toBe('INVALID_INPUT');
  });

  it('needs one tenant id', async () => {
    expect(await codeOf(platform({ tenantId: 'acme' }).client)).toBe('INVALID_INPUT');
  });

  it('refuses the client when the audit event cannot be recorded', async () => {
    const { client } = platform({
      audit: async () => {
        throw new Error('audit store down');
      },
    });
    expect(await codeOf(client)).toBe('INTERNAL');
  });
});
