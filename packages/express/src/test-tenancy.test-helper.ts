// Test support only (not exported): a Tenancy for the adapter tests.
// TEMPORARY hand-written implementation of the committed `Tenancy` interface, until core exports createTenancy().
import type {
  ActionScope,
  Membership,
  Principal,
  ResolvedRequest,
  Tenancy,
  TenantContext,
  TenantRecord,
} from '@tenancy/core';
import { runWithTenant, TenancyError } from '@tenancy/core';

export type TestPermission = 'project:read' | 'project:write' | 'billing:read';

export const ACME: TenantRecord = {
  id: '00000000-0000-4000-8000-00000000000a',
  slug: 'acme',
  name: 'Acme',
  status: 'active',
};
export const GLOBEX: TenantRecord = {
  id: '00000000-0000-4000-8000-00000000000b',
  slug: 'globex',
  name: 'Globex',
  status: 'active',
};
export const INITECH: TenantRecord = {
  id: '00000000-0000-4000-8000-00000000000c',
  slug: 'initech',
  name: 'Initech',
  status: 'suspended',
};

const ROLES: Record<string, readonly TestPermission[]> = {
  viewer: ['project:read'],
  admin: ['project:read', 'project:write', 'billing:read'],
};

const MEMBERSHIPS: readonly Membership[] = [
  { tenantId: ACME.id, userId: 'alice', roles: ['admin'] },
  { tenantId: ACME.id, userId: 'victor', roles: ['viewer'], workspaces: [{ workspaceId: 'w1', roles: ['admin'] }] },
  { tenantId: GLOBEX.id, userId: 'bob', roles: ['admin'] },
  { tenantId: INITECH.id, userId: 'alice', roles: ['admin'] },
];

export const BASE_DOMAIN = 'example.test';

export interface TestTenancy {
  readonly tenancy: Tenancy<TestPermission>;
  tokenFor(userId: string): Promise<string>;
}

export async function createTestTenancy(): Promise<TestTenancy> {
  const tenants = [ACME, GLOBEX, INITECH];
  const tenancy: Tenancy<TestPermission> = {
    async resolve(request) {
      const host = (request.headers.get('host') ?? new URL(request.url).host).toLowerCase().replace(/:\d+$/, '');
      const candidates: string[] = [];
      if (host.endsWith(`.${BASE_DOMAIN}`)) candidates.push(host.slice(0, -BASE_DOMAIN.length - 1));
      const header = request.headers.get('x-tenant-slug');
      if (header !== null) candidates.push(header);
      if (candidates.length > 1 && candidates.some((c) => c !== candidates[0])) {
        throw new TenancyError('TENANT_AMBIGUOUS', 'The request names two different tenants.');
      }
      const slug = candidates[0];
      const auth = request.headers.get('authorization');
      const principal: Principal | undefined = auth?.startsWith('Bearer ')
        ? { id: auth.slice(7), claims: { sub: auth.slice(7) }, platformAdmin: false }
        : undefined;
      let tenant: TenantRecord | undefined;
      if (slug !== undefined) {
        tenant = tenants.find((t) => t.slug === slug);
        if (tenant === undefined) throw new TenancyError('TENANT_NOT_FOUND', 'No such tenant.');
        if (tenant.status !== 'active') throw new TenancyError('TENANT_SUSPENDED', 'This tenant is suspended.');
      }
      let membership: Membership | undefined;
      if (tenant !== undefined && principal !== undefined) {
        membership = MEMBERSHIPS.find((m) => m.tenantId === tenant.id && m.userId === principal.id);
        if (membership === undefined) {
          throw new TenancyError('MEMBERSHIP_REQUIRED', 'You are not a member of this tenant.');
        }
      }
      const context: TenantContext | undefined =
        tenant !== undefined && principal !== undefined && membership !== undefined
          ? { tenantId: tenant.id, tenant, userId: principal.id, principal, membership }
          : undefined;
      const can = (permission: TestPermission, scope?: ActionScope): boolean => {
        if (membership === undefined) return false;
        const roles = [
          ...membership.roles,
          ...(membership.workspaces?.find((w) => w.workspaceId === scope?.workspaceId)?.roles ?? []),
        ];
        return roles.some((role) => ROLES[role]?.includes(permission) === true);
      };
      const resolved: ResolvedRequest<TestPermission> = {
        tenant,
        principal,
        membership,
        context,
        sources: slug === undefined ? [] : ['subdomain'],
        can,
        assert(permission, scope) {
          if (tenant === undefined) throw new TenancyError('TENANT_REQUIRED', 'No tenant.');
          if (principal === undefined) throw new TenancyError('UNAUTHENTICATED', 'Sign in first.');
          if (!can(permission, scope)) throw new TenancyError('PERMISSION_DENIED', `Missing ${permission}.`);
        },
      };
      return resolved;
    },
    run(resolved, fn) {
      if (resolved.context === undefined) throw new TenancyError('TENANT_REQUIRED', 'No tenant.');
      return runWithTenant(resolved.context, fn);
    },
    async runJob() {
      throw new Error('not used by the adapter tests');
    },
    async tenantsFor(principal) {
      return MEMBERSHIPS.filter((m) => m.userId === principal.id).flatMap((membership) => {
        const tenant = tenants.find((t) => t.id === membership.tenantId && t.status === 'active');
        return tenant === undefined ? [] : [{ tenant, membership }];
      });
    },
    store: undefined as never,
  };
  return { tenancy, tokenFor: async (userId) => userId };
}
