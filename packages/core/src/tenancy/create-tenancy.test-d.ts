import { describe, expectTypeOf, it } from 'vitest';
import { definePermissions } from '../permissions/define-permissions.js';
import { fromHeader } from '../resolve/from-header.js';
import { createMemoryTenantStore } from '../store/memory-tenant-store.js';
import { createTenancy } from './create-tenancy.js';

const permissions = definePermissions({
  resources: { project: ['read', 'create'] },
  roles: { viewer: { allow: ['project:read'] } },
});

describe('createTenancy types', () => {
  it('types can() and assert() with the permission names of the model', async () => {
    const tenancy = createTenancy({ store: createMemoryTenantStore(), strategies: [fromHeader()], permissions });
    const resolved = await tenancy.resolve(new Request('https://example.com'));
    expectTypeOf(resolved.can).parameter(0).toEqualTypeOf<'project:read' | 'project:create'>();
    // @ts-expect-error a typo in a permission name is a compile error
    resolved.can('projct:read');
    // @ts-expect-error undeclared actions are refused too
    resolved.assert('project:delete');
  });
});
