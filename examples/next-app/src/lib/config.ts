import type { ResolvedTenancyConfig } from '@tenancy/postgres';
import { resolveConfig } from '@tenancy/postgres';
import tenancyConfig from '../../tenancy.config';

/**
 * The example's resolved tenancy config, optionally with other role names (tests: roles are cluster-wide).
 * @example
 * const config = exampleConfig({ app: `tenancy_app_${suffix}`, platform: `tenancy_platform_${suffix}` });
 */
export function exampleConfig(roles?: { app: string; platform: string } | undefined): ResolvedTenancyConfig {
  return resolveConfig(roles === undefined ? tenancyConfig : { ...tenancyConfig, roles }, {
    source: 'tenancy.config.ts',
  });
}

/** The resolved tenancy config: role, setting and schema names for the database wrapper, store and lifecycle. */
export const config = exampleConfig();
