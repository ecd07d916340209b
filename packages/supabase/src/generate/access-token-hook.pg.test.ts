import type { TestDatabase } from '@tenancy/postgres/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { asPostgrest, sqlState } from '../testing/postgrest-request.js';
import {
  ALICE,
  BOB,
  CAROL,
  createSupabaseDatabase,
  DAVE,
  issueToken,
  resetRows,
  runHook,
  TENANT_A,
  TENANT_B,
} from '../testing/supabase-fixture.js';
import { baseClaims, hookEvent } from '../testing/supabase-tokens.js';

let db: TestDatabase;

beforeAll(async () => {
  ({ db } = await createSupabaseDatabase());
});
afterAll(() => db.drop());
beforeEach(() => resetRows(db));

/** The anonymous sign-in payload from Supabase's documentation of the hook, verbatim. */
const DOCUMENTED_EVENT = {
  user_id: '8ccaa7af-909f-44e7-84cb-67cdccb56be6',
  claims: {
    aud: 'authenticated',
    exp: 1715690221,
    iat: 1715686621,
    sub: '8ccaa7af-909f-44e7-84cb-67cdccb56be6',
    email: '',
    phone: '',
    app_metadata: {},
    user_metadata: {},
    role: 'authenticated',
    aal: 'aal1',
    amr: [{ method: 'anonymous', timestamp: 1715686621 }],
    session_id: '4b938a09-5372-4177-a314-cfa292099ea2',
    is_anonymous: true,
  },
  authentication_method: 'anonymous',
};

const appMetadata = async (event: Record<string, unknown>) =>
  ((await runHook(db, event))['claims'] as Record<string, unknown>)['app_metadata'];
const switchTenant = (userId: string, tenantId: string) =>
  issueToken(db, userId).then((token) =>
    asPostgrest(db.sql, token, (tx) => tx`select public.tenancy_switch_tenant(${tenantId}) as active`, {
      method: 'POST',
      path: '/rpc/tenancy_switch_tenant',
    }),
  );

describe('access token hook', () => {
  it('returns { claims } with every claim Supabase sent, for a user without a tenant', async () => {
    expect(await runHook(db, DOCUMENTED_EVENT)).toEqual({ claims: DOCUMENTED_EVENT.claims });
  });

  it('adds the active tenant and its roles to app_metadata and keeps what was there', async () => {
    const claims = baseClaims(ALICE);
    const output = await runHook(db, hookEvent(ALICE, claims, 'password'));
    expect(output).toEqual({
      claims: {
        ...claims,
        app_metadata: { provider: 'email', providers: ['email'], tenant_id: TENANT_A, tenant_roles: ['admin'] },
      },
    });
  });

  it('issues the same claims on a token refresh', async () => {
    const output = await appMetadata(hookEvent(BOB, baseClaims(BOB), 'token_refresh'));
    expect(output).toEqual({ provider: 'email', providers: ['email'], tenant_id: TENANT_B, tenant_roles: ['member'] });
  });

  it('drops tenant claims it did not verify: app_metadata set by someone else never reaches the token', async () => {
    const claims = baseClaims(DAVE, {
      app_metadata: { provider: 'email', tenant_id: TENANT_A, tenant_roles: ['owner'] },
    });
    expect(await appMetadata(hookEvent(DAVE, claims))).toEqual({ provider: 'email' });
  });

  it('never reads user_metadata', async () => {
    const claims = baseClaims(DAVE, { user_metadata: { tenant_id: TENANT_A } });
    const output = await runHook(db, hookEvent(DAVE, claims));
    expect(output).toEqual({ claims });
  });

  it('picks the earliest membership until the user switches', async () => {
    expect(await appMetadata(hookEvent(CAROL))).toMatchObject({ tenant_id: TENANT_A, tenant_roles: ['member'] });
  });

  it('switches tenants through the RPC, and the next token carries the new tenant and its roles', async () => {
    expect((await switchTenant(CAROL, TENANT_B)).map((r) => ({ ...r }))).toEqual([{ active: TENANT_B }]);
    expect(await appMetadata(hookEvent(CAROL))).toMatchObject({ tenant_id: TENANT_B, tenant_roles: ['admin'] });
    const token = await issueToken(db, CAROL);
    const rows = await asPostgrest(db.sql, token, (tx) => tx`select name from projects`);
    expect(rows.map((r) => r['name'])).toEqual(['b-project']);
  });

  it('refuses to switch to a tenant the user is not a member of, with the same error as for no tenant at all', async () => {
    expect(await sqlState(switchTenant(ALICE, TENANT_B))).toBe('42501');
    expect(await sqlState(switchTenant(ALICE, '00000000-0000-4000-8000-0000000000ff'))).toBe('42501');
    const messages = await Promise.all(
      [TENANT_B, '00000000-0000-4000-8000-0000000000ff'].map((t) =>
        switchTenant(ALICE, t).catch((e: { message: string }) => e.message),
      ),
    );
    expect(messages[0]).toBe(messages[1]);
    expect(await db.sql`select * from tenancy_private.active_tenants`).toHaveLength(0);
    expect(await appMetadata(hookEvent(ALICE))).toMatchObject({ tenant_id: TENANT_A });
  });

  it('refuses to switch into a suspended tenant', async () => {
    await db.sql`update tenancy.tenants set status = 'suspended', suspended_at = now() where id = ${TENANT_B}`;
    expect(await sqlState(switchTenant(CAROL, TENANT_B))).toBe('42501');
  });

  it('refuses the switch RPC without a signed-in user', async () => {
    const state = await sqlState(
      asPostgrest(db.sql, null, (tx) => tx`select public.tenancy_switch_tenant(${TENANT_A})`),
    );
    expect(state).toBe('42501');
  });

  it('falls back to a live membership when the chosen tenant was left or suspended, never to the stale one', async () => {
    await switchTenant(CAROL, TENANT_B);
    await db.sql`delete from tenancy.memberships where tenant_id = ${TENANT_B} and user_id = ${CAROL}`;
    expect(await appMetadata(hookEvent(CAROL))).toMatchObject({ tenant_id: TENANT_A, tenant_roles: ['member'] });
    await db.sql`update tenancy.tenants set status = 'suspended', suspended_at = now() where id = ${TENANT_A}`;
    expect(await appMetadata(hookEvent(CAROL))).toEqual({ provider: 'email', providers: ['email'] });
  });

  it('gives a malformed user id no tenant instead of failing the sign-in', async () => {
    const claims = baseClaims(ALICE);
    expect(await runHook(db, { ...hookEvent(ALICE, claims), user_id: 'not-a-uuid' })).toEqual({
      claims: { ...claims, app_metadata: { provider: 'email', providers: ['email'] } },
    });
  });

  it('is executable by supabase_auth_admin only', async () => {
    const privileges = await db.sql`
      select r.rolname as role, has_function_privilege(r.rolname, 'tenancy_private.access_token_hook(jsonb)', 'execute') as hook,
        has_function_privilege(r.rolname, 'tenancy_private.is_member(uuid)', 'execute') as is_member,
        has_function_privilege(r.rolname, 'public.tenancy_switch_tenant(uuid)', 'execute') as switch
      from pg_roles r where r.rolname in ('anon', 'authenticated', 'service_role', 'supabase_auth_admin')
      order by r.rolname`;
    expect(privileges.map((r) => ({ ...r }))).toEqual([
      { role: 'anon', hook: false, is_member: false, switch: false },
      { role: 'authenticated', hook: false, is_member: true, switch: true },
      { role: 'service_role', hook: false, is_member: true, switch: false },
      { role: 'supabase_auth_admin', hook: true, is_member: false, switch: false },
    ]);
    const asUser = await sqlState(
      asPostgrest(db.sql, await issueToken(db, ALICE), (tx) =>
        tx.unsafe('select tenancy_private.access_token_hook($1::text::jsonb)', [JSON.stringify(hookEvent(ALICE))]),
      ),
    );
    expect(asUser).toBe('42501');
  });

  it('keeps supabase_auth_admin away from the tables themselves', async () => {
    const state = await sqlState(
      db.sql.begin(async (tx) => {
        await tx`select pg_catalog.set_config('role', 'supabase_auth_admin', true)`;
        return tx`select * from tenancy.memberships`;
      }),
    );
    expect(state).toBe('42501');
  });
});
