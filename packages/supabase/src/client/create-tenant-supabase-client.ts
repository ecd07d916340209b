import type { SupabaseClient, SupabaseClientOptions } from '@supabase/supabase-js';
import { createClient } from '@supabase/supabase-js';
import type { ResolvedRequest } from '@tenancy/core';
import { TenancyError } from '@tenancy/core';
import type { TenantClientScope, TenantScopeOptions } from './tenant-scope.js';
import { applyTenantScope } from './tenant-scope.js';
import { activeTenantOf, decodeTokenClaims, isServiceRoleCredential } from './token-claims.js';

/**
 * A supabase-js client for one request of one tenant: it sends the user's token (so row level security decides) and
 * adds the tenant filter to every query. `tenancy` says which tenant and user it was made for.
 */
// biome-ignore lint/suspicious/noExplicitAny: supabase-js's own default; a generated Database type replaces it.
export type TenantSupabaseClient<TDatabase = any> = SupabaseClient<TDatabase> & {
  readonly tenancy: TenantClientScope;
};

/** Client options tenancy passes through to `createClient` (it sets `accessToken` itself). */
export type PassThroughClientOptions = Omit<SupabaseClientOptions<string>, 'accessToken' | 'auth'>;

/** Options for {@link createTenantSupabaseClient}. */
export interface TenantSupabaseClientOptions<TPermission extends string = string> extends TenantScopeOptions {
  /** The project URL, e.g. `https://<ref>.supabase.co`. */
  supabaseUrl: string;
  /** The project's anon (publishable) key. The service-role key is refused: use `createPlatformSupabaseClient`. */
  supabaseKey: string;
  /** The signed-in user's access token, exactly as the request carried it. */
  accessToken: string;
  /** What `tenancy.resolve(request)` answered for this request (core verified the token and the membership). */
  resolved: ResolvedRequest<TPermission>;
  /** More `createClient` options (`db.schema`, `global.fetch`, `global.headers`, ...). */
  options?: PassThroughClientOptions | undefined;
}

/**
 * The tenant's supabase-js client for one request. Before creating it, asserts that the request runs in a tenant,
 * that the token is the verified principal's, and that the token's active tenant (`app_metadata.tenant_id`) is the
 * tenant the request resolved to: a user whose session is on tenant A never queries with it on tenant B's URL.
 * Throws TENANT_REQUIRED, UNAUTHENTICATED, TENANT_AMBIGUOUS (switch tenants first) or INVALID_CONFIG.
 * @example
 * const resolved = await tenancy.resolve(request);
 * const supabase = createTenantSupabaseClient({ supabaseUrl, supabaseKey, accessToken, resolved });
 * const { data } = await supabase.from('projects').select('id, name'); // ?tenant_id=eq.<tenant>
 * @see https://github.com/tenancy/tenancy/blob/main/docs/supabase.md#7-the-tenant-client
 */
// biome-ignore lint/suspicious/noExplicitAny: supabase-js's own default; a generated Database type replaces it.
export function createTenantSupabaseClient<TDatabase = any, TPermission extends string = string>(
  options: TenantSupabaseClientOptions<TPermission>,
): TenantSupabaseClient<TDatabase> {
  const { resolved, accessToken, supabaseKey } = options;
  if (resolved.context === undefined || resolved.tenant === undefined) {
    throw new TenancyError('TENANT_REQUIRED', 'This request does not run in a tenant the user is a member of.');
  }
  const principal = resolved.principal;
  if (principal === undefined) {
    throw new TenancyError('UNAUTHENTICATED', 'The tenant client needs a signed-in user.');
  }
  if (isServiceRoleCredential(supabaseKey) || isServiceRoleCredential(accessToken)) {
    throw new TenancyError(
      'INVALID_CONFIG',
      'The service-role key is only used through createPlatformSupabaseClient (audited); pass the anon key here.',
      { details: { path: ['supabaseKey'] } },
    );
  }
  const claims = decodeTokenClaims(accessToken);
  if (claims['sub'] !== principal.id) {
    throw new TenancyError('UNAUTHENTICATED', 'The access token does not belong to the verified principal.');
  }
  const exp = claims['exp'];
  if (typeof exp !== 'number' || exp * 1000 <= Date.now()) {
    throw new TenancyError('UNAUTHENTICATED', 'The access token has expired: refresh the session.');
  }
  const tenantId = resolved.tenant.id;
  // Both the claims core verified and the token that will be sent must name this tenant.
  if (activeTenantOf(principal.claims) !== tenantId || activeTenantOf(claims) !== tenantId) {
    throw new TenancyError(
      'TENANT_AMBIGUOUS',
      "The session's active tenant is not this request's tenant: switch tenants (switchActiveTenant) and retry.",
      { details: { reason: 'active-tenant-mismatch' } },
    );
  }
  // Created untyped, then given the caller's Database type: supabase-js's schema generics cannot be threaded
  // through a generic wrapper, and the type describes the tables, which tenancy does not change.
  const client = createClient(options.supabaseUrl, supabaseKey, {
    ...options.options,
    // The token is fixed for this client's life (one request): supabase-js then has no session to persist or refresh.
    accessToken: async () => accessToken,
  }) as unknown as SupabaseClient<TDatabase>;
  const scope: TenantClientScope = Object.freeze({ tenantId, userId: principal.id });
  return Object.assign(applyTenantScope(client, options, tenantId), { tenancy: scope });
}
