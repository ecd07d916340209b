import type { Session } from '@supabase/supabase-js';
import { TenancyError } from '@tenancy/core';
import { SWITCH_TENANT_FUNCTION } from '../config/supabase-names.js';
import { activeTenantOf, decodeTokenClaims } from './token-claims.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The parts of a supabase-js client {@link switchActiveTenant} uses. Any client fits: `createClient`'s,
 * `createBrowserClient`'s and `createServerClient`'s (declared structurally, because `@supabase/ssr` may see its own
 * copy of supabase-js's class declarations, which TypeScript would not accept as the same class).
 */
export interface SwitchTenantClient {
  readonly auth: { refreshSession(): PromiseLike<{ data: { session: Session | null }; error: unknown }> };
  // `never` parameters: a client typed with a generated Database declares only its own functions, which do not
  // include tenancy's RPC; any `rpc` signature is accepted here and called with tenancy's own arguments below.
  rpc(fn: never, args: never): PromiseLike<RpcResult>;
  schema(name: string): { rpc(fn: never, args: never): PromiseLike<RpcResult> };
}

/** What an RPC call resolves to, as far as the switch reads it. */
interface RpcResult {
  error: { code: string; message: string } | null;
}

type RpcCall = { rpc(fn: string, args: Record<string, unknown>): PromiseLike<RpcResult> };

/** Options for {@link switchActiveTenant}. */
export interface SwitchActiveTenantOptions {
  /** The schema `tenancy_switch_tenant()` was generated in (the dialect's `rpcSchema`). Default: the client's. */
  rpcSchema?: string | undefined;
}

/**
 * Makes `tenantId` the signed-in user's active tenant: records the choice through `tenancy_switch_tenant()` (which
 * checks the membership at the database) and refreshes the session, so the access token hook issues a token for the
 * new tenant. Works with the browser client and with `@supabase/ssr`'s server client (cookies are rewritten).
 * Throws MEMBERSHIP_REQUIRED when the user is not a member of an active tenant with that id, INVALID_CONFIG when the
 * new token carries no tenant (the hook is not enabled).
 * @example
 * const session = await switchActiveTenant(supabase, tenantId);
 * router.refresh();
 * @see https://github.com/tenancy/tenancy/blob/main/docs/supabase.md#9-a-tenant-switcher
 */
export async function switchActiveTenant(
  supabase: SwitchTenantClient,
  tenantId: string,
  options: SwitchActiveTenantOptions = {},
): Promise<Session> {
  if (typeof tenantId !== 'string' || !UUID.test(tenantId)) {
    throw new TenancyError('INVALID_INPUT', 'A tenant id is a uuid.', { details: { field: 'tenantId' } });
  }
  const rpc = (options.rpcSchema === undefined ? supabase : supabase.schema(options.rpcSchema)) as unknown as RpcCall;
  const { error } = await rpc.rpc(SWITCH_TENANT_FUNCTION, { target_tenant_id: tenantId });
  if (error !== null) {
    if (error.code === '42501') {
      throw new TenancyError('MEMBERSHIP_REQUIRED', 'You are not a member of that tenant.', { cause: error });
    }
    throw new TenancyError('DATABASE_ERROR', 'The tenant switch failed.', { cause: error });
  }
  const refreshed = await supabase.auth.refreshSession();
  const session = refreshed.data.session;
  if (refreshed.error !== null || session === null) {
    throw new TenancyError('UNAUTHENTICATED', 'The session could not be refreshed: sign in again.', {
      cause: refreshed.error ?? undefined,
    });
  }
  const active = activeTenantOf(decodeTokenClaims(session.access_token));
  if (active === undefined) {
    throw new TenancyError(
      'INVALID_CONFIG',
      'The refreshed token carries no tenant: enable the custom access token hook (tenancy_private.access_token_hook).',
    );
  }
  if (active !== tenantId) {
    throw new TenancyError('MEMBERSHIP_REQUIRED', 'The tenant could not be activated: you are no longer a member.');
  }
  return session;
}
