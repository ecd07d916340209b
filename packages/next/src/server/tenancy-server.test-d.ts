import type { ResolvedRequest, Tenancy, TenantContext, TenantRecord } from '@tenancy/core';
import { describe, expectTypeOf, it } from 'vitest';
import { createTenancyServerWith } from './tenancy-server.js';

declare const tenancy: Tenancy<'project:read' | 'project:write'>;
const server = createTenancyServerWith(tenancy, {}, async () => new Headers());

describe('createTenancyServer types', () => {
  it('types permission names from the tenancy', () => {
    server.withTenant(() => new Response(), { permission: 'project:write' });
    // @ts-expect-error: not a declared permission
    server.withTenant(() => new Response(), { permission: 'billing:read' });
    expectTypeOf(server.getTenantContext).returns.resolves.toEqualTypeOf<
      ResolvedRequest<'project:read' | 'project:write'>
    >();
  });

  it('narrows requireTenantContext() to a request with a tenant and a context', async () => {
    const scoped = await server.requireTenantContext();
    expectTypeOf(scoped.tenant).toEqualTypeOf<TenantRecord>();
    expectTypeOf(scoped.context).toEqualTypeOf<TenantContext>();
  });

  it('passes the route context type through withTenant', () => {
    const route = server.withTenant<{ params: Promise<{ id: string }> }>(async (_request, context) => {
      expectTypeOf(context.params).toEqualTypeOf<Promise<{ id: string }>>();
      expectTypeOf(context.tenancy).toEqualTypeOf<ResolvedRequest<'project:read' | 'project:write'>>();
      return new Response();
    });
    expectTypeOf(route).parameters.toEqualTypeOf<[Request, { params: Promise<{ id: string }> }]>();
  });
});
