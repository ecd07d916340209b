import type { SupabaseClient } from '@supabase/supabase-js';
import type { ResolvedRequest, Tenancy } from '@tenancy/core';
import { TenancyError } from '@tenancy/core';
import type { PassThroughClientOptions, TenantSupabaseClient } from '../client/create-tenant-supabase-client.js';
import { createTenantSupabaseClient } from '../client/create-tenant-supabase-client.js';
import type { TenantScopeOptions } from '../client/tenant-scope.js';

/** A cookie as `@supabase/ssr` reads and writes it. */
export interface SupabaseCookie {
  name: string;
  value: string;
}

/** The attributes `@supabase/ssr` sets on a cookie (the `cookie` package's serialize options). */
export interface SupabaseCookieOptions {
  domain?: string | undefined;
  path?: string | undefined;
  expires?: Date | undefined;
  maxAge?: number | undefined;
  httpOnly?: boolean | undefined;
  secure?: boolean | undefined;
  partitioned?: boolean | undefined;
  priority?: 'low' | 'medium' | 'high' | undefined;
  sameSite?: boolean | 'lax' | 'strict' | 'none' | undefined;
}

/**
 * The cookie methods `@supabase/ssr`'s `createServerClient` takes (`getAll`/`setAll`). In Next: `getAll` from
 * `cookies()`, `setAll` writing them back (it throws in server components, where Next cannot set cookies: catch it
 * there and let the middleware refresh the session).
 */
export interface SupabaseCookieMethods {
  getAll(): Promise<SupabaseCookie[] | null> | SupabaseCookie[] | null;
  setAll?(
    cookies: Array<SupabaseCookie & { options: SupabaseCookieOptions }>,
    headers: Record<string, string>,
  ): Promise<void> | void;
}

/** Options for {@link createTenantSupabaseServerClient}. */
export interface TenantSupabaseServerClientOptions<TPermission extends string = string> extends TenantScopeOptions {
  supabaseUrl: string;
  /** The project's anon (publishable) key. */
  supabaseKey: string;
  /** The request's cookies, `@supabase/ssr` style. */
  cookies: SupabaseCookieMethods;
  /** The app's tenancy (`createTenancy` with an identity that verifies Supabase's tokens). */
  tenancy: Tenancy<TPermission>;
  /**
   * The request being served: the route handler's `request`; in a server action or component, one rebuilt from
   * `headers()` (its host and path are what subdomain and path resolution read).
   */
  request: Request;
  /** More `createClient` options for the tenant client. */
  options?: PassThroughClientOptions | undefined;
}

/** What {@link createTenantSupabaseServerClient} returns. */
// biome-ignore lint/suspicious/noExplicitAny: supabase-js's own default; a generated Database type replaces it.
export interface TenantSupabaseServer<TDatabase = any, TPermission extends string = string> {
  /** The tenant client: the user's token, the tenant filter on every query. */
  supabase: TenantSupabaseClient<TDatabase>;
  /** The `@supabase/ssr` client, for auth (sign out, `switchActiveTenant`); it is not tenant-scoped. */
  auth: SupabaseClient<TDatabase>;
  /** What core resolved for the request, with the session's token as its credential. */
  resolved: ResolvedRequest<TPermission>;
}

/**
 * The tenant client for a Next.js route handler, server action or server component: reads the Supabase session from
 * the cookies (refreshing it and writing the cookies back when it expired), resolves the request through core with
 * that session's token, and creates the tenant client for the resolved tenant. Throws UNAUTHENTICATED without a
 * session, and whatever `tenancy.resolve` and `createTenantSupabaseClient` throw.
 * Needs `@supabase/ssr` (an optional peer dependency, loaded only here).
 * @example
 * // app/api/projects/route.ts
 * export async function GET(request: Request) {
 *   const cookieStore = await cookies();
 *   const { supabase } = await createTenantSupabaseServerClient({
 *     supabaseUrl, supabaseKey, tenancy, request,
 *     cookies: { getAll: () => cookieStore.getAll(), setAll: (all) => all.forEach((c) => cookieStore.set(c)) },
 *   });
 *   const { data } = await supabase.from('projects').select('id, name');
 *   return Response.json(data);
 * }
 * @see https://github.com/tenancy/tenancy/blob/main/docs/supabase.md#8-nextjs
 */
// biome-ignore lint/suspicious/noExplicitAny: supabase-js's own default; a generated Database type replaces it.
export async function createTenantSupabaseServerClient<TDatabase = any, TPermission extends string = string>(
  options: TenantSupabaseServerClientOptions<TPermission>,
): Promise<TenantSupabaseServer<TDatabase, TPermission>> {
  const { createServerClient } = await import('@supabase/ssr');
  const auth = createServerClient(options.supabaseUrl, options.supabaseKey, {
    cookies: options.cookies,
  }) as unknown as SupabaseClient<TDatabase>;
  // getSession() reads (and if needed refreshes) the cookie session without verifying it; core verifies the token
  // below with the project's keys before anything is trusted.
  const { data, error } = await auth.auth.getSession();
  const session = data.session;
  if (error !== null || session === null) {
    throw new TenancyError('UNAUTHENTICATED', 'Sign in first: the request has no Supabase session.', {
      cause: error ?? undefined,
    });
  }
  const headers = new Headers(options.request.headers);
  headers.set('authorization', `Bearer ${session.access_token}`);
  const request = new Request(options.request.url, { method: 'GET', headers });
  const resolved = await options.tenancy.resolve(request);
  const supabase = createTenantSupabaseClient<TDatabase, TPermission>({
    supabaseUrl: options.supabaseUrl,
    supabaseKey: options.supabaseKey,
    accessToken: session.access_token,
    resolved,
    tenantColumn: options.tenantColumn,
    tenantColumns: options.tenantColumns,
    globalTables: options.globalTables,
    options: options.options,
  });
  return { supabase, auth, resolved };
}
