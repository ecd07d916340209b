import { TenancyError } from '@tenancy/core';
import { z } from 'zod';
import type { OpeningStatement } from './wire-shim.js';
import { OPENING_MARKER, openingStatement } from './wire-shim.js';

/**
 * The parts of the tenancy config the database wrapper needs at runtime. A `ResolvedTenancyConfig` (from
 * `resolveConfig()` or `loadConfig()`) fits as is; every field defaults to the database contract's defaults.
 * @see https://github.com/tenancy/tenancy/blob/main/docs/drizzle.md#configuration
 */
export interface TenantDbConfig {
  /** `citus` scopes units with `SET LOCAL` (which Citus forwards to workers). Default `'postgres'`. */
  dialect?: 'postgres' | 'citus' | 'supabase' | undefined;
  /** How tenant ids are validated before they reach SQL. Default `'uuid'`. */
  tenantColumnType?: 'uuid' | 'text' | 'bigint' | undefined;
  /** The transaction-local settings the policies read. Defaults `tenancy.tenant_id` / `.user_id` / `.workspace_id`. */
  settings?:
    | { tenantId?: string | undefined; userId?: string | undefined; workspaceId?: string | undefined }
    | undefined;
  /** The roles units of work switch to. Defaults `tenancy_app` / `tenancy_platform`. */
  roles?: { app?: string | undefined; platform?: string | undefined } | undefined;
}

/** The validated, precompiled form every unit of work uses: built once per `createTenantDb()`, never per request. */
export interface RuntimeConfig {
  readonly tenantColumnType: 'uuid' | 'text' | 'bigint';
  readonly roles: { readonly app: string; readonly platform: string };
  /**
   * The text that opens a unit of work: `begin` (as given) and the statement that sets tenant, user, workspace and
   * role transaction-locally, values inlined as escaped literals. It is sent as one simple-protocol message, so
   * opening a unit costs the server one parse and one Sync, and needs no describe round trip on a cold connection.
   */
  prelude(begin: string, values: SettingValues): string;
  /**
   * The same settings as one prepared statement with the values as parameters `$1`..`$4` (tenant, user, workspace,
   * role), for units sent under one Sync with their statement, as the shim socket writes it (wire-shim.ts): its own
   * statement name, and its Parse; the text starts with `OPENING_MARKER`. Undefined for Citus, which needs
   * `SET LOCAL`.
   */
  readonly openingStatement: OpeningStatement | undefined;
}

/** Tenant, user, workspace, role: `''` for an absent user or workspace (the helper functions read `''` as null). */
export type SettingValues = readonly [tenantId: string, userId: string, workspaceId: string, role: string];

// Custom settings need a dotted name; they are inlined into SQL text, so only plain identifiers are accepted.
const settingName = z.string().regex(/^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$/, 'must look like "prefix.name"');
const roleName = z
  .string()
  .max(63)
  .regex(/^[a-z_][a-z0-9_$]*$/, 'must be a lower-case SQL identifier');

const configSchema = z.object({
  dialect: z.enum(['postgres', 'citus', 'supabase']).optional(),
  tenantColumnType: z.enum(['uuid', 'text', 'bigint']).optional(),
  settings: z
    .object({ tenantId: settingName.optional(), userId: settingName.optional(), workspaceId: settingName.optional() })
    .optional(),
  roles: z.object({ app: roleName.optional(), platform: roleName.optional() }).optional(),
});

/** Validates `config` (INVALID_CONFIG naming the bad path) and precompiles the settings statement. */
export function compileRuntimeConfig(config: TenantDbConfig = {}): RuntimeConfig {
  const parsed = configSchema.safeParse(config);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.join('.') || '(root)';
    throw new TenancyError('INVALID_CONFIG', `Invalid tenant database config at "${path}": ${issue?.message ?? ''}.`, {
      details: { path: issue?.path.map(String) ?? [] },
      cause: parsed.error,
    });
  }
  const c = parsed.data;
  if (c.dialect === 'supabase') {
    throw new TenancyError(
      'INVALID_CONFIG',
      'The supabase dialect scopes requests through the JWT: use the tenant client from @tenancy/supabase.',
      { details: { path: ['dialect'] } },
    );
  }
  const names = [
    c.settings?.tenantId ?? 'tenancy.tenant_id',
    c.settings?.userId ?? 'tenancy.user_id',
    c.settings?.workspaceId ?? 'tenancy.workspace_id',
  ] as const;
  const roles = { app: c.roles?.app ?? 'tenancy_app', platform: c.roles?.platform ?? 'tenancy_platform' };
  if (roles.app === roles.platform) {
    throw new TenancyError('INVALID_CONFIG', 'The app role and the platform role must differ.', {
      details: { path: ['roles', 'platform'] },
    });
  }
  // `set_config('role', ...)` switches the role in the same statement that sets the tenant: one statement, and
  // like the settings it is transaction-local, so COMMIT or ROLLBACK puts the login role back. Schema-qualified so
  // no search_path can put another `set_config` in front of it.
  const setConfig = (name: string, value: string) => `pg_catalog.set_config('${name}', ${value}, true)`;
  const prelude: RuntimeConfig['prelude'] =
    c.dialect === 'citus'
      ? // Citus forwards SET LOCAL to the workers, not set_config(); SET takes no parameters either.
        (begin, v) =>
          `${begin}; set local ${names[0]} = ${literal(v[0])}; set local ${names[1]} = ${literal(v[1])}; set local ${names[2]} = ${literal(v[2])}; set local role "${v[3]}"`
      : (begin, v) =>
          `${begin}; select ${setConfig(names[0], literal(v[0]))}, ${setConfig(names[1], literal(v[1]))}, ${setConfig(names[2], literal(v[2]))}, ${setConfig('role', literal(v[3]))}`;
  const opening =
    c.dialect === 'citus'
      ? undefined
      : `${OPENING_MARKER} select ${setConfig(names[0], '$1')}, ${setConfig(names[1], '$2')}, ${setConfig(names[2], '$3')}, ${setConfig('role', '$4')}`;
  return {
    tenantColumnType: c.tenantColumnType ?? 'uuid',
    roles,
    prelude,
    openingStatement: opening === undefined ? undefined : openingStatement(opening),
  };
}

// E'' strings mean the same whatever standard_conforming_strings says. The values were validated before (uuids,
// digits, or text without control characters), so this is a second line, not the only one.
function literal(value: string): string {
  return `E'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}
