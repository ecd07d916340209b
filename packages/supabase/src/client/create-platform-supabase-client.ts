import type { SupabaseClient } from '@supabase/supabase-js';
import { createClient } from '@supabase/supabase-js';
import type { AuditSink, Principal } from '@tenancy/core';
import { createAuditEvent, TenancyError } from '@tenancy/core';
import type { PassThroughClientOptions, TenantSupabaseClient } from './create-tenant-supabase-client.js';
import type { TenantClientScope, TenantScopeOptions } from './tenant-scope.js';
import { applyTenantScope } from './tenant-scope.js';

const MAX_REASON_LENGTH = 500;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Options for {@link createPlatformSupabaseClient}. */
export interface PlatformSupabaseClientOptions extends TenantScopeOptions {
  supabaseUrl: string;
  /** The service-role key (server only; never `NEXT_PUBLIC_`). It bypasses row level security. */
  serviceRoleKey: string;
  /** The platform admin acting; `platformAdmin` must be true (from core's identity). */
  principal: Principal;
  /** The one tenant the client acts in: every query is filtered to it, every written row stamped with it. */
  tenantId: string;
  /** Why (a ticket, an incident): 1-500 characters, recorded in the audit event. */
  reason: string;
  /** Receives the `platform.access` event; awaited, and its failure refuses the client. */
  audit: AuditSink;
  /** More `createClient` options. */
  options?: PassThroughClientOptions | undefined;
}

/**
 * The only way tenancy hands out a service-role supabase-js client: for a platform admin, with a reason, for one
 * tenant, after the `platform.access` audit event was recorded. The service role bypasses row level security, so
 * the tenant filter this client adds to every query is the tenant boundary here: keep to `from()` and `rpc()`
 * functions that take the tenant explicitly.
 * @example
 * const admin = await createPlatformSupabaseClient({
 *   supabaseUrl, serviceRoleKey: process.env.SUPABASE_SERVICE_ROLE_KEY!, principal, tenantId,
 *   reason: 'ticket 4411: restore deleted project', audit: (event) => auditLog.write(event),
 * });
 * await admin.from('projects').update({ deleted_at: null }).eq('id', projectId);
 * @see https://github.com/tenancy/tenancy/blob/main/docs/supabase.md#10-the-platform-path
 */
// biome-ignore lint/suspicious/noExplicitAny: supabase-js's own default; a generated Database type replaces it.
export async function createPlatformSupabaseClient<TDatabase = any>(
  options: PlatformSupabaseClientOptions,
): Promise<TenantSupabaseClient<TDatabase>> {
  const { principal, tenantId, audit } = options;
  if (principal?.platformAdmin !== true) {
    throw new TenancyError('PERMISSION_DENIED', 'Only platform admins may use the service role.');
  }
  const reason = typeof options.reason === 'string' ? options.reason.trim() : '';
  if (reason.length === 0 || reason.length > MAX_REASON_LENGTH || /\p{Cc}/u.test(reason)) {
    throw new TenancyError(
      'INVALID_INPUT',
      `Platform access needs a reason: 1-${MAX_REASON_LENGTH} characters, no control characters.`,
      { details: { field: 'reason' } },
    );
  }
  if (typeof tenantId !== 'string' || !UUID.test(tenantId)) {
    throw new TenancyError('INVALID_INPUT', 'Platform access names one tenant by its uuid.', {
      details: { field: 'tenantId' },
    });
  }
  if (typeof audit !== 'function') {
    throw new TenancyError(
      'INVALID_CONFIG',
      'The platform path needs an audit sink: platform access is never silent.',
      {
        details: { path: ['audit'] },
      },
    );
  }
  if (typeof options.serviceRoleKey !== 'string' || options.serviceRoleKey.length === 0) {
    throw new TenancyError('INVALID_CONFIG', 'The platform path needs the service-role key.', {
      details: { path: ['serviceRoleKey'] },
    });
  }
  try {
    // Awaited: the audit record is the condition of access. No record, no client.
    await audit(createAuditEvent('platform.access', { tenantId, principalId: principal.id, reason }));
  } catch (cause) {
    throw new TenancyError('INTERNAL', 'Platform access refused: the audit event could not be recorded.', { cause });
  }
  const client = createClient(options.supabaseUrl, options.serviceRoleKey, {
    ...options.options,
    // A server-side client for one task: no session storage, no background refresh timers.
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
  }) as unknown as SupabaseClient<TDatabase>;
  const scope: TenantClientScope = Object.freeze({
    tenantId,
    userId: principal.id,
    platform: Object.freeze({ reason }),
  });
  return Object.assign(applyTenantScope(client, options, tenantId), { tenancy: scope });
}
