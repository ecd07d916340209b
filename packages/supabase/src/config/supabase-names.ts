/**
 * The Postgres roles every Supabase project has. Their names are fixed by Supabase (PostgREST switches to them from
 * the JWT's `role` claim), so unlike the roles of the postgres dialect they are not configurable.
 * @see https://github.com/tenancy/tenancy/blob/main/docs/supabase.md#what-the-script-creates
 */
export const SUPABASE_ROLES = {
  /** Requests without a user token (the anon / publishable key). Sees no tenant rows. */
  anon: 'anon',
  /** Requests with a signed-in user's token: the role every tenant policy is written for. */
  authenticated: 'authenticated',
  /** The service-role key: bypasses RLS; used only through the audited platform path. */
  serviceRole: 'service_role',
  /** The role Supabase Auth runs the custom access token hook as. */
  authAdmin: 'supabase_auth_admin',
} as const;

/**
 * The `app_metadata` claims the access token hook writes and the policies read. `app_metadata` is writable only
 * by the server (the hook, the service role); `user_metadata` is writable by the user and is never read.
 * @see https://github.com/tenancy/tenancy/blob/main/docs/supabase.md#5-the-access-token-hook
 */
export const TENANT_CLAIMS = {
  /** `app_metadata.tenant_id`: the user's active tenant, as the hook last verified it. */
  tenantId: 'tenant_id',
  /** `app_metadata.tenant_roles`: the user's roles in that tenant (informational; policies re-check live). */
  tenantRoles: 'tenant_roles',
} as const;

/** The name of the RPC that records the user's active tenant (in the RPC schema, `public` by default). */
export const SWITCH_TENANT_FUNCTION = 'tenancy_switch_tenant';

/** The name of the custom access token hook function (in the private schema). */
export const ACCESS_TOKEN_HOOK_FUNCTION = 'access_token_hook';

/** The SECURITY DEFINER membership check the tenant helper calls (in the private schema). */
export const IS_MEMBER_FUNCTION = 'is_member';

/** The table (in the private schema) that remembers each user's chosen tenant between token refreshes. */
export const ACTIVE_TENANTS_TABLE = 'active_tenants';
