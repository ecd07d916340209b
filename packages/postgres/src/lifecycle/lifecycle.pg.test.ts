import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AuditEvent } from '@tenancy/core';
import type postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FoundationTestDatabase } from '../foundation/test-foundation.js';
import { createFoundationTestDatabase } from '../foundation/test-foundation.js';
import { createUncachedPostgresTenantStore } from '../store/uncached-postgres-tenant-store.js';
import type { TenantLifecycle } from './create-tenant-lifecycle.js';
import { createTenantLifecycle } from './create-tenant-lifecycle.js';

let db: FoundationTestDatabase;
let lifecycle: TenantLifecycle;
const events: AuditEvent[] = [];
const notifications: string[] = [];
let unlisten: () => Promise<void>;

beforeAll(async () => {
  db = await createFoundationTestDatabase();
  lifecycle = createTenantLifecycle({ sql: db.sql, config: db.config, auditSink: (event) => void events.push(event) });
  ({ unlisten } = await db.sql.listen('tenancy_invalidate', (payload) => notifications.push(payload)));
});
afterAll(async () => {
  await unlisten();
  await db.dropAll();
});

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'resolved',
    (error: { code?: string }) => error.code,
  );

/** Runs `fn` as the app role in `tenantId`'s context, the way the tenant-scoped wrapper does. */
async function asApp<T>(tenantId: string, userId: string | null, fn: (tx: postgres.TransactionSql) => Promise<T>) {
  return db.sql.begin(async (tx) => {
    await tx`select set_config('tenancy.tenant_id', ${tenantId}, true), set_config('tenancy.user_id', ${userId ?? ''}, true),
      set_config('tenancy.workspace_id', '', true), set_config('role', ${db.config.roles.app}, true)`;
    return fn(tx);
  }) as Promise<T>;
}

async function auditActions(tenantId: string): Promise<string[]> {
  const rows = await db.sql<Array<{ action: string }>>`
    select action from tenancy.audit_log where tenant_id = ${tenantId} order by occurred_at, action`;
  return rows.map((r) => r.action);
}

describe('createTenant', () => {
  it('creates the tenant, a new owner, the owner membership, the default workspace and the default roles in one go', async () => {
    events.length = 0;
    notifications.length = 0;
    const result = await lifecycle.createTenant({
      slug: '  Acme ',
      name: 'Acme Inc.',
      owner: { email: ' Ada@Acme.test ', displayName: 'Ada' },
      plan: 'pro',
      settings: { locale: 'de-DE' },
      branding: { primaryColor: '#0a7cff', logoUrl: 'https://cdn.acme.test/logo.svg' },
    });
    const id = result.tenant.id;
    expect(result.tenant).toEqual({
      id,
      slug: 'acme',
      name: 'Acme Inc.',
      status: 'active',
      plan: 'pro',
      settings: { locale: 'de-DE' },
      branding: { primaryColor: '#0a7cff', logoUrl: 'https://cdn.acme.test/logo.svg' },
    });
    expect(result.owner).toEqual({ id: result.owner.id, email: 'ada@acme.test', created: true });
    expect(result.workspace).toEqual({ id: result.workspace.id, slug: 'default', name: 'Default' });

    const memberships = await db.sql`select user_id, roles from tenancy.memberships where tenant_id = ${id}`;
    expect([...memberships]).toEqual([{ user_id: result.owner.id, roles: ['owner'] }]);
    const workspaces = await db.sql`select id, is_default from tenancy.workspaces where tenant_id = ${id}`;
    expect([...workspaces]).toEqual([{ id: result.workspace.id, is_default: true }]);
    const roles = await db.sql`select name, inherits from tenancy.roles where tenant_id = ${id} order by name`;
    expect([...roles]).toEqual([
      { name: 'admin', inherits: ['member'] },
      { name: 'member', inherits: ['viewer'] },
      { name: 'owner', inherits: ['admin'] },
      { name: 'viewer', inherits: [] },
    ]);
    const [perms] = await db.sql<
      { n: number }[]
    >`select count(*)::int as n from tenancy.role_permissions where tenant_id = ${id}`;
    expect(perms?.n).toBe(11);

    const [audit] =
      await db.sql`select actor_id, action, target_type, target_id, data from tenancy.audit_log where tenant_id = ${id}`;
    expect(audit).toEqual({
      actor_id: result.owner.id,
      action: 'tenant.created',
      target_type: 'tenant',
      target_id: id,
      data: { slug: 'acme', plan: 'pro', ownerId: result.owner.id, workspaceId: result.workspace.id },
    });
    expect(events).toEqual([
      { type: 'tenant.created', at: expect.any(String), tenantId: id, principalId: result.owner.id, slug: 'acme' },
    ]);
    await sleep(50);
    expect(notifications).toEqual([id]);
  });

  it('reuses an existing user found by e-mail as the owner', async () => {
    const first = await lifecycle.createTenant({
      slug: 'initech',
      name: 'Initech',
      owner: { email: 'peter@initech.test' },
    });
    const second = await lifecycle.createTenant({
      slug: 'initrode',
      name: 'Initrode',
      owner: { email: 'PETER@initech.test' },
    });
    expect(second.owner).toEqual({ id: first.owner.id, email: 'peter@initech.test', created: false });
  });

  it('refuses a taken, reserved or malformed slug and bad branding, and leaves nothing behind', async () => {
    const [before] = await db.sql<{ n: number }[]>`select count(*)::int as n from tenancy.tenants`;
    expect(await codeOf(lifecycle.createTenant({ slug: 'acme', name: 'Other', owner: { email: 'x@y.test' } }))).toBe(
      'CONFLICT',
    );
    expect(await codeOf(lifecycle.createTenant({ slug: 'www', name: 'W', owner: { email: 'x@y.test' } }))).toBe(
      'INVALID_INPUT',
    );
    expect(await codeOf(lifecycle.createTenant({ slug: 'a_b', name: 'W', owner: { email: 'x@y.test' } }))).toBe(
      'INVALID_INPUT',
    );
    expect(
      await codeOf(
        lifecycle.createTenant({
          slug: 'brand',
          name: 'B',
          owner: { email: 'x@y.test' },
          branding: { logoUrl: 'http://cdn.test/logo.png' },
        }),
      ),
    ).toBe('INVALID_INPUT');
    expect(
      await codeOf(
        lifecycle.createTenant({
          slug: 'brand',
          name: 'B',
          owner: { email: 'x@y.test' },
          branding: { primaryColor: 'red' },
        }),
      ),
    ).toBe('INVALID_INPUT');
    // Fails after the tenant row was inserted (the owner's id and e-mail name two users): rolled back entirely.
    const initech = await db.sql`select id from tenancy.users where email = 'peter@initech.test'`;
    expect(
      await codeOf(
        lifecycle.createTenant({
          slug: 'halfway',
          name: 'H',
          owner: {
            id: (await lifecycle.createTenant({ slug: 'helper', name: 'H', owner: { email: 'h@h.test' } })).owner.id,
            email: 'peter@initech.test',
          },
        }),
      ),
    ).toBe('CONFLICT');
    expect(initech.length).toBe(1);
    const [after] = await db.sql<
      { n: number }[]
    >`select count(*)::int as n from tenancy.tenants where slug = 'halfway'`;
    expect(after?.n).toBe(0);
    const [total] = await db.sql<{ n: number }[]>`select count(*)::int as n from tenancy.tenants`;
    expect(total?.n).toBe((before?.n ?? 0) + 1);
  });
});

describe('suspendTenant / reactivateTenant', () => {
  it('suspends and reactivates with one audit row and one notification each, and is idempotent', async () => {
    const { tenant } = await lifecycle.createTenant({
      slug: 'umbrella',
      name: 'Umbrella',
      owner: { email: 'a@umbrella.test' },
    });
    await sleep(50); // let the creation's notification arrive before counting
    events.length = 0;
    notifications.length = 0;
    const operator = '0190f3a2-7c1b-7d4e-9a6b-3c2d1e0f4f01';
    expect(await lifecycle.suspendTenant({ tenantId: tenant.id, reason: 'unpaid', actorId: operator })).toBe(true);
    expect(await lifecycle.suspendTenant({ tenantId: tenant.id })).toBe(false);
    const store = createUncachedPostgresTenantStore({ sql: db.sql, config: db.config });
    expect((await store.findById(tenant.id))?.status).toBe('suspended');
    expect(await lifecycle.reactivateTenant({ tenantId: tenant.id, actorId: operator })).toBe(true);
    expect(await lifecycle.reactivateTenant({ tenantId: tenant.id })).toBe(false);
    expect((await store.findById(tenant.id))?.status).toBe('active');
    expect(await auditActions(tenant.id)).toEqual(['tenant.created', 'tenant.suspended', 'tenant.reactivated']);
    const [suspended] =
      await db.sql`select actor_id, data from tenancy.audit_log where tenant_id = ${tenant.id} and action = 'tenant.suspended'`;
    expect(suspended).toEqual({ actor_id: operator, data: { reason: 'unpaid' } });
    expect(events.map((e) => e.type)).toEqual(['tenant.suspended', 'tenant.reactivated']);
    await sleep(50);
    expect(notifications).toEqual([tenant.id, tenant.id]);
  });

  it('answers TENANT_NOT_FOUND for an unknown tenant and INVALID_INPUT for a malformed id', async () => {
    expect(await codeOf(lifecycle.suspendTenant({ tenantId: '0190f3a2-7c1b-7d4e-9a6b-3c2d1e0f4fff' }))).toBe(
      'TENANT_NOT_FOUND',
    );
    expect(await codeOf(lifecycle.suspendTenant({ tenantId: 'acme' }))).toBe('INVALID_INPUT');
  });
});

describe('updateTenant', () => {
  it('changes name, plan, settings and branding, validated, keeping the fields not given', async () => {
    const { tenant } = await lifecycle.createTenant({
      slug: 'hooli',
      name: 'Hooli',
      owner: { email: 'g@hooli.test' },
      plan: 'free',
    });
    const updated = await lifecycle.updateTenant({
      tenantId: tenant.id,
      settings: { features: { sso: true } },
      branding: { accentColor: '#112233' },
    });
    expect(updated).toMatchObject({
      name: 'Hooli',
      plan: 'free',
      settings: { features: { sso: true } },
      branding: { accentColor: '#112233' },
    });
    const renamed = await lifecycle.updateTenant({ tenantId: tenant.id, name: 'Hooli XYZ', plan: null });
    expect(renamed).toMatchObject({ name: 'Hooli XYZ', plan: null, settings: { features: { sso: true } } });
    expect(
      await codeOf(lifecycle.updateTenant({ tenantId: tenant.id, branding: { logoUrl: 'javascript:alert(1)' } })),
    ).toBe('INVALID_INPUT');
    expect(await codeOf(lifecycle.updateTenant({ tenantId: tenant.id, settings: [] as never }))).toBe('INVALID_INPUT');
  });
});

describe('custom domains', () => {
  it('adds a normalized domain, resolves it only once verified, and refuses it to a second tenant with CONFLICT', async () => {
    const a = await lifecycle.createTenant({ slug: 'pied-piper', name: 'Pied Piper', owner: { email: 'r@pp.test' } });
    const b = await lifecycle.createTenant({ slug: 'raviga', name: 'Raviga', owner: { email: 'l@raviga.test' } });
    expect(await lifecycle.addDomain({ tenantId: a.tenant.id, domain: ' App.PiedPiper.COM. ' })).toBe(
      'app.piedpiper.com',
    );
    const store = createUncachedPostgresTenantStore({ sql: db.sql, config: db.config });
    expect(await store.findByDomain('app.piedpiper.com')).toBeNull();
    await lifecycle.verifyDomain({ tenantId: a.tenant.id, domain: 'app.piedpiper.com' });
    expect((await store.findByDomain('app.piedpiper.com'))?.id).toBe(a.tenant.id);

    const error = await lifecycle.addDomain({ tenantId: b.tenant.id, domain: 'app.piedpiper.com' }).catch((e) => e);
    expect(error).toMatchObject({ code: 'CONFLICT', message: 'The domain is taken.' });
    expect(await codeOf(lifecycle.addDomain({ tenantId: b.tenant.id, domain: '10.0.0.1' }))).toBe('INVALID_INPUT');
    expect(await codeOf(lifecycle.verifyDomain({ tenantId: b.tenant.id, domain: 'app.piedpiper.com' }))).toBe(
      'INVALID_INPUT',
    );
    await lifecycle.removeDomain({ tenantId: a.tenant.id, domain: 'app.piedpiper.com' });
    expect(await store.findByDomain('app.piedpiper.com')).toBeNull();
    expect(await lifecycle.addDomain({ tenantId: b.tenant.id, domain: 'app.piedpiper.com' })).toBe('app.piedpiper.com');
    expect(await auditActions(a.tenant.id)).toEqual([
      'tenant.created',
      'domain.added',
      'domain.verified',
      'domain.removed',
    ]);
  });
});

describe('invitations', () => {
  let tenantId: string;
  let ownerId: string;
  beforeAll(async () => {
    const created = await lifecycle.createTenant({
      slug: 'vandelay',
      name: 'Vandelay',
      owner: { email: 'art@vandelay.test' },
    });
    tenantId = created.tenant.id;
    ownerId = created.owner.id;
  });

  it('stores only the SHA-256 of the token, and lets the invited address join once with the invited roles', async () => {
    const invitation = await lifecycle.inviteMember({
      tenantId,
      email: 'Elaine@Pendant.test',
      roles: ['member'],
      invitedBy: ownerId,
    });
    expect(invitation.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const [row] =
      await db.sql`select email, roles, token_hash, invited_by from tenancy.invitations where id = ${invitation.invitationId}`;
    expect(row).toEqual({
      email: 'elaine@pendant.test',
      roles: ['member'],
      token_hash: createHash('sha256').update(invitation.token).digest('hex'),
      invited_by: ownerId,
    });
    const [leak] = await db.sql<
      { n: number }[]
    >`select count(*)::int as n from tenancy.invitations i where i::text like ${`%${invitation.token}%`}`;
    expect(leak?.n).toBe(0);

    expect(
      await codeOf(lifecycle.acceptInvitation({ token: invitation.token, user: { email: 'george@pendant.test' } })),
    ).toBe('PERMISSION_DENIED');
    const accepted = await lifecycle.acceptInvitation({
      token: invitation.token,
      user: { email: 'elaine@pendant.test' },
    });
    expect(accepted).toEqual({ tenantId, userId: accepted.userId, roles: ['member'] });
    const store = createUncachedPostgresTenantStore({ sql: db.sql, config: db.config });
    expect(await store.getMembership(tenantId, accepted.userId)).toEqual({
      tenantId,
      userId: accepted.userId,
      roles: ['member'],
    });
    expect(
      await codeOf(lifecycle.acceptInvitation({ token: invitation.token, user: { email: 'elaine@pendant.test' } })),
    ).toBe('INVALID_INPUT');
    expect(await codeOf(lifecycle.inviteMember({ tenantId, email: 'elaine@pendant.test', roles: [] }))).toBe(
      'CONFLICT',
    );
  });

  it('refuses an expired, a replaced and an unknown token with one message, and unknown roles', async () => {
    const old = await lifecycle.inviteMember({ tenantId, email: 'kramer@k.test', roles: ['viewer'] });
    const fresh = await lifecycle.inviteMember({ tenantId, email: 'kramer@k.test', roles: ['viewer'] });
    const replaced = await lifecycle
      .acceptInvitation({ token: old.token, user: { email: 'kramer@k.test' } })
      .catch((e) => e);
    expect(replaced).toMatchObject({ code: 'INVALID_INPUT', message: 'The invitation is invalid, expired or used.' });
    await db.sql`update tenancy.invitations set expires_at = now() - interval '1 second' where id = ${fresh.invitationId}`;
    const expired = await lifecycle
      .acceptInvitation({ token: fresh.token, user: { email: 'kramer@k.test' } })
      .catch((e) => e);
    expect(expired).toMatchObject({ code: 'INVALID_INPUT', message: 'The invitation is invalid, expired or used.' });
    const unknown = await lifecycle
      .acceptInvitation({ token: 'A'.repeat(43), user: { email: 'kramer@k.test' } })
      .catch((e) => e);
    expect(unknown).toMatchObject({ code: 'INVALID_INPUT', message: 'The invitation is invalid, expired or used.' });
    expect(await codeOf(lifecycle.acceptInvitation({ token: 'short', user: { email: 'kramer@k.test' } }))).toBe(
      'INVALID_INPUT',
    );
    expect(await codeOf(lifecycle.inviteMember({ tenantId, email: 'newman@k.test', roles: ['mailman'] }))).toBe(
      'INVALID_INPUT',
    );
  });

  it('revokes a pending invitation so its token stops working', async () => {
    const invitation = await lifecycle.inviteMember({ tenantId, email: 'jerry@k.test', roles: ['viewer'] });
    await lifecycle.revokeInvitation({ tenantId, invitationId: invitation.invitationId });
    expect(await codeOf(lifecycle.acceptInvitation({ token: invitation.token, user: { email: 'jerry@k.test' } }))).toBe(
      'INVALID_INPUT',
    );
    expect(await codeOf(lifecycle.revokeInvitation({ tenantId, invitationId: invitation.invitationId }))).toBe(
      'INVALID_INPUT',
    );
  });
});

describe('changeRoles / removeMember', () => {
  it('replaces tenant and workspace roles, refuses unknown roles, non-members, and leaving the tenant without an owner', async () => {
    const { tenant, owner, workspace } = await lifecycle.createTenant({
      slug: 'dunder',
      name: 'Dunder',
      owner: { email: 'm@dm.test' },
    });
    const invite = await lifecycle.inviteMember({ tenantId: tenant.id, email: 'd@dm.test', roles: ['member'] });
    const dwight = await lifecycle.acceptInvitation({ token: invite.token, user: { email: 'd@dm.test' } });

    expect(await lifecycle.changeRoles({ tenantId: tenant.id, userId: dwight.userId, roles: ['admin'] })).toEqual({
      before: ['member'],
      after: ['admin'],
    });
    expect(
      await lifecycle.changeRoles({
        tenantId: tenant.id,
        userId: dwight.userId,
        workspaceId: workspace.id,
        roles: ['viewer'],
      }),
    ).toEqual({ before: [], after: ['viewer'] });
    const store = createUncachedPostgresTenantStore({ sql: db.sql, config: db.config });
    expect(await store.getMembership(tenant.id, dwight.userId)).toEqual({
      tenantId: tenant.id,
      userId: dwight.userId,
      roles: ['admin'],
      workspaces: [{ workspaceId: workspace.id, roles: ['viewer'] }],
    });
    expect(
      await codeOf(lifecycle.changeRoles({ tenantId: tenant.id, userId: dwight.userId, roles: ['regional-manager'] })),
    ).toBe('INVALID_INPUT');
    expect(await codeOf(lifecycle.changeRoles({ tenantId: tenant.id, userId: owner.id, roles: ['admin'] }))).toBe(
      'CONFLICT',
    );
    expect(await codeOf(lifecycle.removeMember({ tenantId: tenant.id, userId: owner.id }))).toBe('CONFLICT');
    expect(
      await codeOf(
        lifecycle.changeRoles({ tenantId: tenant.id, userId: '0190f3a2-7c1b-7d4e-9a6b-3c2d1e0f4f09', roles: [] }),
      ),
    ).toBe('MEMBERSHIP_REQUIRED');

    // With a second owner, the first may step down.
    await lifecycle.changeRoles({ tenantId: tenant.id, userId: dwight.userId, roles: ['owner'] });
    await lifecycle.changeRoles({ tenantId: tenant.id, userId: owner.id, roles: ['admin'] });
    await lifecycle.removeMember({ tenantId: tenant.id, userId: owner.id });
    expect(await store.getMembership(tenant.id, owner.id)).toBeNull();
    const [wm] = await db.sql<
      { n: number }[]
    >`select count(*)::int as n from tenancy.workspace_memberships where tenant_id = ${tenant.id} and user_id = ${dwight.userId}`;
    expect(wm?.n).toBe(1);
    await lifecycle.changeRoles({ tenantId: tenant.id, userId: dwight.userId, workspaceId: workspace.id, roles: [] });
    const [none] = await db.sql<
      { n: number }[]
    >`select count(*)::int as n from tenancy.workspace_memberships where tenant_id = ${tenant.id}`;
    expect(none?.n).toBe(0);
  });
});

describe('softDeleteTenant / purgeTenant', () => {
  it('frees the slug and domains; a new tenant with the old slug inherits nothing', async () => {
    const old = await lifecycle.createTenant({ slug: 'wonka', name: 'Wonka', owner: { email: 'willy@wonka.test' } });
    await lifecycle.addDomain({ tenantId: old.tenant.id, domain: 'wonka.test' });
    await lifecycle.verifyDomain({ tenantId: old.tenant.id, domain: 'wonka.test' });
    await lifecycle.inviteMember({ tenantId: old.tenant.id, email: 'charlie@wonka.test', roles: ['member'] });

    expect(await lifecycle.softDeleteTenant({ tenantId: old.tenant.id, reason: 'closed' })).toBe(true);
    expect(await lifecycle.softDeleteTenant({ tenantId: old.tenant.id })).toBe(false);
    const store = createUncachedPostgresTenantStore({ sql: db.sql, config: db.config });
    expect(await store.findBySlug('wonka')).toBeNull();
    expect(await store.findByDomain('wonka.test')).toBeNull();
    expect(await store.findById(old.tenant.id)).toMatchObject({ status: 'deleted' });
    expect(await codeOf(lifecycle.suspendTenant({ tenantId: old.tenant.id }))).toBe('TENANT_NOT_FOUND');
    expect(await codeOf(lifecycle.reactivateTenant({ tenantId: old.tenant.id }))).toBe('TENANT_NOT_FOUND');

    const reborn = await lifecycle.createTenant({
      slug: 'wonka',
      name: 'Wonka 2',
      owner: { email: 'slugworth@wonka.test' },
    });
    expect(reborn.tenant.id).not.toBe(old.tenant.id);
    expect((await store.findBySlug('wonka'))?.id).toBe(reborn.tenant.id);
    const seen = await asApp(reborn.tenant.id, reborn.owner.id, async (tx) => ({
      tenants: (await tx<{ id: string }[]>`select id from tenancy.tenants`).map((r) => r.id),
      memberships: (await tx<{ user_id: string }[]>`select user_id from tenancy.memberships`).map((r) => r.user_id),
      domains: (await tx`select domain from tenancy.domains`).length,
      invitations: (await tx`select id from tenancy.invitations`).length,
      workspaces: (await tx<{ id: string }[]>`select id from tenancy.workspaces`).map((r) => r.id),
      audit: (await tx<{ action: string }[]>`select action from tenancy.audit_log`).map((r) => r.action),
    }));
    expect(seen).toEqual({
      tenants: [reborn.tenant.id],
      memberships: [reborn.owner.id],
      domains: 0,
      invitations: 0,
      workspaces: [reborn.workspace.id],
      audit: ['tenant.created'],
    });
  });

  it('purges only a deleted tenant, removes every row it owned and records the purge on the platform', async () => {
    const doomed = await lifecycle.createTenant({ slug: 'enron', name: 'Enron', owner: { email: 'k@enron.test' } });
    const other = await lifecycle.createTenant({ slug: 'dynegy', name: 'Dynegy', owner: { email: 'c@dynegy.test' } });
    await lifecycle.inviteMember({ tenantId: doomed.tenant.id, email: 's@enron.test', roles: ['member'] });
    expect(await codeOf(lifecycle.purgeTenant({ tenantId: doomed.tenant.id }))).toBe('CONFLICT');
    await lifecycle.softDeleteTenant({ tenantId: doomed.tenant.id });
    const operator = '0190f3a2-7c1b-7d4e-9a6b-3c2d1e0f4f02';
    events.length = 0;
    const counts = await lifecycle.purgeTenant({ tenantId: doomed.tenant.id, actorId: operator });
    expect(counts).toEqual({
      'tenancy.audit_log': 3,
      'tenancy.domains': 0,
      'tenancy.invitations': 1,
      'tenancy.memberships': 1,
      'tenancy.role_permissions': 11,
      'tenancy.roles': 4,
      'tenancy.tenants': 1,
      'tenancy.workspace_memberships': 0,
      'tenancy.workspaces': 1,
    });
    for (const table of Object.keys(counts)) {
      const column = table === 'tenancy.tenants' ? 'id' : 'tenant_id';
      const [row] = await db.sql.unsafe<{ n: number }[]>(
        `select count(*)::int as n from ${table} where ${column} = $1`,
        [doomed.tenant.id],
      );
      expect(row?.n, table).toBe(0);
    }
    const [platform] =
      await db.sql`select actor_id, action, data from tenancy.platform_audit_log where subject_tenant_id = ${doomed.tenant.id}`;
    expect(platform).toEqual({ actor_id: operator, action: 'tenant.purged', data: { rows: counts } });
    expect(events).toEqual([
      {
        type: 'tenant.purged',
        at: expect.any(String),
        tenantId: doomed.tenant.id,
        principalId: operator,
        rows: counts,
      },
    ]);
    expect(await auditActions(other.tenant.id)).toEqual(['tenant.created']);
    expect(await codeOf(lifecycle.purgeTenant({ tenantId: doomed.tenant.id }))).toBe('TENANT_NOT_FOUND');
  });
});

describe('createTenantLifecycle', () => {
  it('refuses bad options with INVALID_CONFIG', () => {
    expect(() => createTenantLifecycle({ sql: db.sql, config: db.config, invitationTtlMs: 5 })).toThrow(
      expect.objectContaining({ code: 'INVALID_CONFIG' }),
    );
    expect(() => createTenantLifecycle({ sql: db.sql, config: { ...db.config, foundation: false } })).toThrow(
      expect.objectContaining({ code: 'INVALID_CONFIG' }),
    );
  });

  it('keeps a failing audit sink from failing the change', async () => {
    const errors: unknown[] = [];
    const failing = createTenantLifecycle({
      sql: db.sql,
      config: db.config,
      auditSink: () => {
        throw new Error('sink down');
      },
      onAuditError: (error) => errors.push(error),
    });
    const { tenant } = await failing.createTenant({ slug: 'stark', name: 'Stark', owner: { email: 't@stark.test' } });
    expect(tenant.slug).toBe('stark');
    expect(errors).toHaveLength(1);
  });
});
