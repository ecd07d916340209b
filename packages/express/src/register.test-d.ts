import type { Tenancy } from '@tenancy/core';
import { describe, expectTypeOf, it } from 'vitest';
import type { RegisteredPermission, RequestTenancy, TenancyPermission } from './register.js';
import { requirePermission } from './require-permission.js';
import type { TestPermission } from './test-tenancy.test-helper.js';

// What an app does once, next to its createTenancy() call.
declare module './register.js' {
  interface Register {
    tenancy: Tenancy<TestPermission>;
  }
}

describe('Register', () => {
  it('types permission names from the registered tenancy', () => {
    expectTypeOf<RegisteredPermission>().toEqualTypeOf<TestPermission>();
    expectTypeOf<Parameters<RequestTenancy['can']>[0]>().toEqualTypeOf<TestPermission>();
    requirePermission('project:write');
    // @ts-expect-error: not a declared permission
    requirePermission('project:delete');
  });

  it('reads permission names off any tenancy type, and falls back to string', () => {
    expectTypeOf<TenancyPermission<Tenancy<'a:read' | 'b:write'>>>().toEqualTypeOf<'a:read' | 'b:write'>();
    expectTypeOf<TenancyPermission<{ unrelated: true }>>().toEqualTypeOf<string>();
  });

  it('puts an optional req.tenancy on Express requests', () => {
    expectTypeOf<import('express').Request['tenancy']>().toEqualTypeOf<RequestTenancy | undefined>();
  });
});
