import { TenancyError } from '@tenancy/core';
import type { ResolvedTenancyConfig } from '@tenancy/postgres';
import { SUPABASE_ROLES } from './supabase-names.js';

function invalid(path: string[], message: string): TenancyError {
  return new TenancyError('INVALID_CONFIG', message, { details: { path } });
}

/**
 * Refuses a resolved config the Supabase dialect cannot make safe: another dialect, no foundation (the membership
 * check needs `memberships` and `tenants`), roles other than Supabase's, or workspace tables (not supported yet:
 * nothing verifies a workspace claim, so they would be closed to everyone).
 */
export function assertSupabaseConfig(config: ResolvedTenancyConfig): void {
  if (config.dialect !== 'supabase') {
    throw invalid(['dialect'], 'The supabase dialect needs "dialect": "supabase" in the config.');
  }
  if (!config.foundation) {
    throw invalid(
      ['foundation'],
      'The supabase dialect checks memberships and tenant status at the database: set "foundation": true.',
    );
  }
  if (config.roles.app !== SUPABASE_ROLES.authenticated) {
    throw invalid(
      ['roles', 'app'],
      `On Supabase the app role is "${SUPABASE_ROLES.authenticated}": set roles.app to it.`,
    );
  }
  if (config.roles.platform !== SUPABASE_ROLES.serviceRole) {
    throw invalid(
      ['roles', 'platform'],
      `On Supabase the platform role is "${SUPABASE_ROLES.serviceRole}": set roles.platform to it.`,
    );
  }
  const workspace = config.tables.find((t) => t.scope === 'workspace');
  if (workspace !== undefined) {
    throw invalid(
      ['tables', `${workspace.schema}.${workspace.name}`],
      'The supabase dialect does not support workspace tables yet: classify the table as "tenant" (or use the postgres dialect).',
    );
  }
}
