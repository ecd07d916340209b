import { formatConfigPath, invalidConfig } from './config-error.js';
import { tenancyConfigSchema } from './config-schema.js';
import type { TenancyConfigInput } from './config-types.js';

/**
 * Declares a tenancy config with types, for `tenancy.config.ts`. Checks the shape at once (INVALID_CONFIG naming the
 * bad path) and returns the config unchanged; defaults are applied by `resolveConfig`.
 * @example
 * // tenancy.config.ts
 * import { defineTenancyConfig } from '@tenancy/postgres';
 * export default defineTenancyConfig({
 *   tables: {
 *     projects: { scope: 'tenant' },
 *     tasks: { scope: 'workspace', workspaceColumn: 'workspace_id' },
 *     plans: { scope: 'global' },
 *   },
 * });
 * @see https://github.com/tenancy/tenancy/blob/main/docs/rls.md#configuration
 */
export function defineTenancyConfig<const T extends TenancyConfigInput>(config: T): T {
  const parsed = tenancyConfigSchema.safeParse(config);
  if (!parsed.success) {
    throw invalidConfig(
      parsed.error.issues.map((issue) => ({ path: formatConfigPath(issue.path), message: issue.message })),
    );
  }
  return config;
}
