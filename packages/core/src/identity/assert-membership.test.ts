import { describe, expect, it } from 'vitest';
import type { AuditEvent } from '../audit/audit-event.js';
import { isTenancyError } from '../errors/tenancy-error.js';
import type { Principal } from '../model/principal.js';
import type { TenantRecord } from '../model/tenant.js';
import { createMemoryTenantStore } from '../store/memory-tenant-store.js';
import { type AssertMembershipOptions, assertMembership } from './assert-membership.js';

const ACME = 'a0000000-0000-4000-8000-000000000001';
const acme: TenantRecord = { id: ACME, slug: 'acme', name: 'Acme', status: 'active' };

const member: Principal = { id: 'user_1', claims: { sub: 'user_1' }, platformAdmin: false };
const stranger: Principal = { id: 'user_9', claims: { sub: 'user_9' }, platformAdmin: false };
const operator: Principal = { id: 'ops_1', claims: { sub: 'ops_1' }, platformAdmin: true };

const store = createMemoryTenantStore({
  tenants: [acme],
  memberships: [{ tenantId: ACME, userId: 'user_1', roles: ['admin'] }],
});

function recorder() {
  const events: AuditEvent[] = [];
  return { events, audit: (event: AuditEvent) => void events.push(event) };
}

async function codeOf(options: AssertMembershipOptions): Promise<string> {
  try {
    await assertMembership(options);
    return 'granted';
  } catch (error) {
    return isTenancyError(error) ? error.code : 'not a TenancyError';
  }
}

describe('assertMembership', () => {
  it('grants a member its membership', async () => {
    expect(await assertMembership({ store, tenant: acme, principal: member })).toEqual({
      membership: { tenantId: ACME, userId: 'user_1', roles: ['admin'] },
      platform: undefined,
    });
  });

  it('refuses a non-member with MEMBERSHIP_REQUIRED', async () => {
    expect(await codeOf({ store, tenant: acme, principal: stranger })).toBe('MEMBERSHIP_REQUIRED');
  });

  it('refuses a platform admin who does not ask for the platform path with MEMBERSHIP_REQUIRED', async () => {
    const { events, audit } = recorder();
    expect(await codeOf({ store, tenant: acme, principal: operator, audit })).toBe('MEMBERSHIP_REQUIRED');
    expect(events).toEqual([]);
  });

  it('grants a platform admin on the platform path a synthetic membership and audits it first', async () => {
    const { events, audit } = recorder();
    const granted = await assertMembership({
      store,
      tenant: acme,
      principal: operator,
      platform: { reason: '  ticket 4411  ' },
      audit,
    });
    expect(granted).toEqual({
      membership: { tenantId: ACME, userId: 'ops_1', roles: [] },
      platform: { reason: 'ticket 4411' },
    });
    expect(events).toHaveLength(1);
    expect(events[0]).toEqual({
      type: 'platform.access',
      at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
      tenantId: ACME,
      principalId: 'ops_1',
      reason: 'ticket 4411',
    });
  });

  it('gives the synthetic membership the configured platform roles', async () => {
    const { audit } = recorder();
    const { membership } = await assertMembership({
      store,
      tenant: acme,
      principal: operator,
      platform: { reason: 'incident 12' },
      audit,
      platformRoles: ['support'],
    });
    expect(membership.roles).toEqual(['support']);
  });

  it('refuses a non-admin asking for the platform path with PERMISSION_DENIED, member or not, without an event', async () => {
    const { events, audit } = recorder();
    const platform = { reason: 'ticket 4411' };
    expect(await codeOf({ store, tenant: acme, principal: stranger, platform, audit })).toBe('PERMISSION_DENIED');
    expect(await codeOf({ store, tenant: acme, principal: member, platform, audit })).toBe('PERMISSION_DENIED');
    expect(events).toEqual([]);
  });

  it('refuses platform access without an audit sink, and when the sink fails', async () => {
    const platform = { reason: 'ticket 4411' };
    expect(await codeOf({ store, tenant: acme, principal: operator, platform })).toBe('INVALID_CONFIG');
    const failing = () => Promise.reject(new Error('audit log down'));
    expect(await codeOf({ store, tenant: acme, principal: operator, platform, audit: failing })).toBe('INTERNAL');
    const throwing = () => {
      throw new Error('audit log down');
    };
    expect(await codeOf({ store, tenant: acme, principal: operator, platform, audit: throwing })).toBe('INTERNAL');
  });

  it('waits for an async audit sink before granting platform access', async () => {
    const order: string[] = [];
    const audit = async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      order.push('audited');
    };
    await assertMembership({ store, tenant: acme, principal: operator, platform: { reason: 'x' }, audit });
    order.push('granted');
    expect(order).toEqual(['audited', 'granted']);
  });

  it('refuses an empty, oversized or control-character reason with INVALID_INPUT', async () => {
    const { events, audit } = recorder();
    for (const reason of ['', '   ', 'x'.repeat(501), 'line\nbreak']) {
      expect(await codeOf({ store, tenant: acme, principal: operator, platform: { reason }, audit })).toBe(
        'INVALID_INPUT',
      );
    }
    expect(events).toEqual([]);
  });

  it('refuses members of a suspended tenant but lets the platform path in, audited', async () => {
    const suspended: TenantRecord = { ...acme, status: 'suspended' };
    const { events, audit } = recorder();
    expect(await codeOf({ store, tenant: suspended, principal: member })).toBe('TENANT_SUSPENDED');
    const platform = { reason: 'resume after payment' };
    expect(await codeOf({ store, tenant: suspended, principal: operator, platform, audit })).toBe('granted');
    expect(events.map((e) => e.type)).toEqual(['platform.access']);
  });

  it('answers TENANT_NOT_FOUND for a deleted tenant on every path', async () => {
    const deleted: TenantRecord = { ...acme, status: 'deleted' };
    const { events, audit } = recorder();
    expect(await codeOf({ store, tenant: deleted, principal: member })).toBe('TENANT_NOT_FOUND');
    const platform = { reason: 'ticket 4411' };
    expect(await codeOf({ store, tenant: deleted, principal: operator, platform, audit })).toBe('TENANT_NOT_FOUND');
    expect(events).toEqual([]);
  });

  it('refuses a membership the store returns for another tenant or user with INTERNAL', async () => {
    const broken = { getMembership: async () => ({ tenantId: 'other', userId: 'user_1', roles: ['owner'] }) };
    expect(await codeOf({ store: broken, tenant: acme, principal: member })).toBe('INTERNAL');
    const broken2 = { getMembership: async () => ({ tenantId: ACME, userId: 'someone', roles: ['owner'] }) };
    expect(await codeOf({ store: broken2, tenant: acme, principal: member })).toBe('INTERNAL');
  });
});
