import type { AuditEvent, AuditEventType, AuditSink } from '@tenancy/core';
import { describe, expectTypeOf, it } from 'vitest';
import type { TenantLifecycle } from './create-tenant-lifecycle.js';
import './lifecycle-audit-events.js';

describe('lifecycle audit events', () => {
  it('adds the lifecycle events to core event map, so sinks narrow on them', () => {
    expectTypeOf<'tenant.created'>().toExtend<AuditEventType>();
    expectTypeOf<'member.roles_changed'>().toExtend<AuditEventType>();
    expectTypeOf<'tenant.purged'>().toExtend<AuditEventType>();
    expectTypeOf<AuditEvent<'tenant.created'>>().toEqualTypeOf<
      { readonly type: 'tenant.created'; readonly at: string } & {
        readonly tenantId: string;
        readonly principalId: string | null;
        readonly slug: string;
      }
    >();
    const sink: AuditSink = (event) => {
      if (event.type === 'member.roles_changed') {
        expectTypeOf(event.before).toEqualTypeOf<readonly string[]>();
        expectTypeOf(event.workspaceId).toEqualTypeOf<string | undefined>();
      }
    };
    expectTypeOf(sink).toBeFunction();
  });

  it('types the lifecycle results', () => {
    expectTypeOf<Awaited<ReturnType<TenantLifecycle['inviteMember']>>>().toEqualTypeOf<{
      invitationId: string;
      token: string;
      expiresAt: Date;
    }>();
    expectTypeOf<Parameters<TenantLifecycle['changeRoles']>[0]['roles']>().toEqualTypeOf<readonly string[]>();
  });
});
