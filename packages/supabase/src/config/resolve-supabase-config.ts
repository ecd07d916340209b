import type { ResolveConfigOptions, ResolvedTenancyConfig, TenancyConfigInput } from '@tenancy/postgres';
import { resolveConfig } from '@tenancy/postgres';
import { assertSupabaseConfig } from './assert-supabase-config.js';
import { SUPABASE_ROLES } from './supabase-names.js';

/**
 * A tenancy config for Supabase: `dialect: 'supabase'`, the foundation schema (memberships and tenants the
 * policies check), and Supabase's own roles (`authenticated` for tenant work, `service_role` for the platform).
 * Use it in `tenancy.config.ts` so the CLI and the linter see the same config as your code.
 * @example
 * // tenancy.config.ts
 * export default defineSupabaseTenancyConfig({ tables: { projects: { scope: 'tenant' } } });
 * @see https://github.com/tenancy/tenancy/blob/main/docs/supabase.md#3-configuration
 */
export function defineSupabaseTenancyConfig(input: TenancyConfigInput): TenancyConfigInput {
  return {
    ...input,
    dialect: input.dialect ?? 'supabase',
    foundation: input.foundation ?? true,
    roles: {
      app: input.roles?.app ?? SUPABASE_ROLES.authenticated,
      platform: input.roles?.platform ?? SUPABASE_ROLES.serviceRole,
    },
  };
}

/**
 * Validates a config for Supabase and applies every default (see {@link defineSupabaseTenancyConfig}). Throws
 * `TenancyError('INVALID_CONFIG')` naming the path, e.g. for workspace tables, which the dialect does not support.
 * @example
 * const config = resolveSupabaseConfig({ tables: { projects: { scope: 'tenant' } } });
 * config.roles; // { app: 'authenticated', platform: 'service_role' }
 * @see https://github.com/tenancy/tenancy/blob/main/docs/supabase.md#3-configuration
 */
export function resolveSupabaseConfig(
  input: TenancyConfigInput,
  options: ResolveConfigOptions = {},
): ResolvedTenancyConfig {
  const config = resolveConfig(defineSupabaseTenancyConfig(input), options);
  assertSupabaseConfig(config);
  return config;
}
