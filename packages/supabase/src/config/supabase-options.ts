import { TenancyError } from '@tenancy/core';

/** Options of the Supabase dialect: where its own objects live. Both default to safe places. */
export interface SupabaseDialectOptions {
  /**
   * Schema of the SECURITY DEFINER helpers, the access token hook and the active-tenant table. Never list it in
   * the API's exposed schemas. Default `<helperSchema>_private` (`tenancy_private`).
   */
  privateSchema?: string | undefined;
  /**
   * Schema of the one function clients call over the API, `tenancy_switch_tenant(target_tenant_id)`: an exposed
   * schema (PostgREST `db-schemas`). Default `public`.
   */
  rpcSchema?: string | undefined;
}

/** The dialect options with their defaults applied. */
export interface ResolvedSupabaseOptions {
  readonly privateSchema: string;
  readonly rpcSchema: string;
}

// Names are inlined into SQL text (quoted), but a plain lower-case identifier keeps grants and docs readable and
// rules out lookalike names.
const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** Applies the defaults and refuses names that are not plain identifiers or that collide. */
export function resolveSupabaseOptions(
  helperSchema: string,
  options: SupabaseDialectOptions = {},
): ResolvedSupabaseOptions {
  const privateSchema = options.privateSchema ?? `${helperSchema}_private`;
  const rpcSchema = options.rpcSchema ?? 'public';
  for (const [path, value] of [
    ['privateSchema', privateSchema],
    ['rpcSchema', rpcSchema],
  ] as const) {
    if (!IDENTIFIER.test(value)) {
      throw new TenancyError(
        'INVALID_CONFIG',
        `The supabase dialect option "${path}" must be a lower-case identifier.`,
        {
          details: { path: [path] },
        },
      );
    }
  }
  if (privateSchema === helperSchema || privateSchema === rpcSchema) {
    throw new TenancyError(
      'INVALID_CONFIG',
      'The private schema must differ from the helper schema and the RPC schema: it holds SECURITY DEFINER functions that must stay off the API.',
      { details: { path: ['privateSchema'] } },
    );
  }
  return { privateSchema, rpcSchema };
}
