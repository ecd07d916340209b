import { TenancyError } from '@tenancy/core';
import type {
  ContextStatement,
  Dialect,
  ResolvedTable,
  ResolvedTenancyConfig,
  TenantColumnType,
  TenantContextValues,
} from '@tenancy/postgres';
import { assertSupabaseConfig } from '../config/assert-supabase-config.js';
import { SUPABASE_ROLES, TENANT_CLAIMS } from '../config/supabase-names.js';
import type { SupabaseDialectOptions } from '../config/supabase-options.js';
import { resolveSupabaseOptions } from '../config/supabase-options.js';
import {
  accessTokenHookStatement,
  activeTenantsTableStatement,
  anonRevokeStatement,
  switchTenantStatement,
} from './access-token-hook.js';
import { membershipCheckStatements, verifiedTenantExpression } from './membership-check.js';
import { supabasePreflightStatement } from './preflight.js';

/**
 * The Supabase dialect of the generator, bound to one config: the tenant comes from the verified JWT
 * (`auth.jwt() -> 'app_metadata'`) and is honoured only while a SECURITY DEFINER check finds a live membership of an
 * active tenant; policies are for `authenticated` (the permissive one and the RESTRICTIVE guard) and `service_role`;
 * `anon` gets no privilege on any managed table. Adds the access token hook and `tenancy_switch_tenant()`.
 * Throws `INVALID_CONFIG` for a config it cannot make safe (see `resolveSupabaseConfig`).
 * @example
 * const config = resolveSupabaseConfig({ tables: { projects: { scope: 'tenant' } } });
 * const sql = generateSql(config, { dialect: createSupabaseDialect(config) });
 * @see https://github.com/tenancy/tenancy/blob/main/docs/supabase.md#what-the-script-creates
 */
export function createSupabaseDialect(config: ResolvedTenancyConfig, options: SupabaseDialectOptions = {}): Dialect {
  assertSupabaseConfig(config);
  const resolved = resolveSupabaseOptions(config.helperSchema, options);
  const bound = (other: ResolvedTenancyConfig): void => {
    // The setting names and schemas are baked in at creation: a different config would get the wrong functions.
    if (other !== config && JSON.stringify(other) !== JSON.stringify(config)) {
      throw new TenancyError('INVALID_CONFIG', 'This supabase dialect was created for another config.', {
        details: { path: [] },
      });
    }
  };

  function readSetting(setting: string, type: TenantColumnType): string {
    if (setting === config.settings.tenantId) {
      // assertSupabaseConfig guarantees uuid tenant ids (the foundation schema's), which is what the claim holds.
      return verifiedTenantExpression(resolved);
    }
    if (setting === config.settings.userId) return 'auth.uid()';
    // No workspace claim is issued or verified on Supabase (workspace tables are refused), so there is never one.
    if (setting === config.settings.workspaceId) return `null::${type}`;
    throw new TenancyError('INVALID_CONFIG', `The supabase dialect has no source for the setting "${setting}".`, {
      details: { path: ['settings'] },
    });
  }

  function contextStatement(values: TenantContextValues): ContextStatement {
    // What PostgREST does for a request, for server code that connects directly: the claims a token for this user
    // and tenant would carry, and the role it would switch to. The membership is still checked live by the policies.
    const role = values.role === 'app' ? SUPABASE_ROLES.authenticated : SUPABASE_ROLES.serviceRole;
    const claims =
      values.role === 'app'
        ? { sub: values.userId ?? '', role, app_metadata: { [TENANT_CLAIMS.tenantId]: values.tenantId } }
        : { role };
    return {
      text: "select pg_catalog.set_config('request.jwt.claims', $1, true), pg_catalog.set_config('role', $2, true)",
      params: [JSON.stringify(claims), role],
    };
  }

  return {
    name: 'supabase',
    readSetting,
    policyRoles(other) {
      bound(other);
      return { app: SUPABASE_ROLES.authenticated, platform: SUPABASE_ROLES.serviceRole };
    },
    roleStatements(other) {
      bound(other);
      // Supabase owns its roles: nothing is created or granted, only checked. The membership check lives here
      // because the helper functions created next call it.
      return [supabasePreflightStatement(), ...membershipCheckStatements(config, resolved)];
    },
    preflightStatements: () => [],
    beforeTables(other, tables: readonly ResolvedTable[]) {
      bound(other);
      return [
        activeTenantsTableStatement(resolved),
        accessTokenHookStatement(config, resolved),
        switchTenantStatement(config, resolved),
        anonRevokeStatement(tables),
      ].filter((s) => s !== '');
    },
    contextStatement(other, values) {
      bound(other);
      return contextStatement(values);
    },
  };
}
