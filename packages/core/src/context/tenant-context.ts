import type { Membership } from '../model/membership.js';
import type { Principal } from '../model/principal.js';
import type { TenantRecord } from '../model/tenant.js';

/**
 * What code running for a tenant can know about it. Only `tenantId` is required; `createTenancy().resolve()`
 * fills the rest. The database wrapper reads `tenantId`, `userId` and `workspaceId` from here.
 * @see https://github.com/tenancy/tenancy/blob/main/docs/context.md
 */
export interface TenantContext {
  readonly tenantId: string;
  readonly tenant?: TenantRecord | undefined;
  readonly userId?: string | undefined;
  readonly workspaceId?: string | undefined;
  readonly principal?: Principal | undefined;
  readonly membership?: Membership | undefined;
  /** Set only when a platform admin acts through the audited platform path. */
  readonly platform?: { readonly reason: string } | undefined;
}
