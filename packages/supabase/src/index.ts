// @tenancy/supabase: the runtime half (server side: route handlers, server actions, jobs). It imports neither
// @tenancy/postgres nor a Postgres driver, which Supabase apps do not install; the SQL half is @tenancy/supabase/sql.
// Every public export by name, `export type` kept separate (verbatimModuleSyntax).

// Clients: the audited platform client, the tenant's client, the tenant switch
export type { PlatformSupabaseClientOptions } from './client/create-platform-supabase-client.js';
export { createPlatformSupabaseClient } from './client/create-platform-supabase-client.js';
export type {
  PassThroughClientOptions,
  TenantSupabaseClient,
  TenantSupabaseClientOptions,
} from './client/create-tenant-supabase-client.js';
export { createTenantSupabaseClient } from './client/create-tenant-supabase-client.js';
export type { SwitchActiveTenantOptions, SwitchTenantClient } from './client/switch-active-tenant.js';
export { switchActiveTenant } from './client/switch-active-tenant.js';
export type { TenantClientScope, TenantScopeOptions } from './client/tenant-scope.js';
// Names fixed by Supabase and by the generated SQL
export {
  ACCESS_TOKEN_HOOK_FUNCTION,
  SUPABASE_ROLES,
  SWITCH_TENANT_FUNCTION,
  TENANT_CLAIMS,
} from './config/supabase-names.js';
// Next.js (route handlers, server actions, server components; needs @supabase/ssr)
export type {
  SupabaseCookie,
  SupabaseCookieMethods,
  SupabaseCookieOptions,
  TenantSupabaseServer,
  TenantSupabaseServerClientOptions,
} from './next/create-tenant-supabase-server-client.js';
export { createTenantSupabaseServerClient } from './next/create-tenant-supabase-server-client.js';
