import { z } from 'zod';

// Names end up in SQL. They are quoted where needed anyway, but a config that names `projects; drop table x` is a
// mistake worth stopping at the boundary, and 63 bytes is PostgreSQL's identifier limit (longer names get truncated
// silently, which would make the linter compare against a name that does not exist).
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$]*$/;
const TABLE_KEY = /^(?:[A-Za-z_][A-Za-z0-9_$]*\.)?[A-Za-z_][A-Za-z0-9_$]*$/;
// Custom settings must be `prefix.name`; PostgreSQL refuses an unqualified custom setting name.
const SETTING = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+$/;
const PERMISSION = /^[A-Za-z0-9_.:*/-]+$/;

/** A PostgreSQL identifier as accepted in the config. */
export const identifierSchema = z
  .string()
  .max(63, 'must be at most 63 characters (PostgreSQL truncates longer identifiers)')
  .regex(IDENTIFIER, 'must be a plain identifier: a letter or _, then letters, digits, _ or $');

const settingSchema = z
  .string()
  .max(63, 'must be at most 63 characters')
  .regex(SETTING, 'must be a qualified setting name such as `tenancy.tenant_id`');

const commandSchema = z.enum(['select', 'insert', 'update', 'delete']);

const grantsSchema = z
  .array(commandSchema)
  .min(1, 'must list at least one command; use scope "global" or "ignore" for tables the app must not write')
  .refine((grants) => new Set(grants).size === grants.length, 'must not list a command twice');

const permissionsSchema = z.partialRecord(
  commandSchema,
  z.string().min(1).max(200).regex(PERMISSION, 'must be a permission name such as `projects:write`'),
);

const tenantTableSchema = z.strictObject({
  scope: z.literal('tenant'),
  tenantColumn: identifierSchema.optional(),
  grants: grantsSchema.optional(),
  permissions: permissionsSchema.optional(),
});

const workspaceTableSchema = z.strictObject({
  scope: z.literal('workspace'),
  workspaceColumn: identifierSchema,
  tenantColumn: identifierSchema.optional(),
  grants: grantsSchema.optional(),
  permissions: permissionsSchema.optional(),
});

const globalTableSchema = z.strictObject({ scope: z.literal('global') });

const ignoredTableSchema = z.strictObject({ scope: z.literal('ignore'), reason: z.string().optional() });

/** The zod schema of `tenancy.config.*` (the trust boundary: the CLI and `resolveConfig` parse with it). */
export const tenancyConfigSchema = z.strictObject({
  $schema: z.string().optional(),
  dialect: z.enum(['postgres', 'citus', 'supabase']).optional(),
  tenantColumn: identifierSchema.optional(),
  tenantColumnType: z.enum(['uuid', 'text', 'bigint']).optional(),
  settings: z
    .strictObject({
      tenantId: settingSchema.optional(),
      userId: settingSchema.optional(),
      workspaceId: settingSchema.optional(),
    })
    .optional(),
  roles: z.strictObject({ app: identifierSchema.optional(), platform: identifierSchema.optional() }).optional(),
  helperSchema: identifierSchema.optional(),
  schemas: z.array(identifierSchema).min(1).optional(),
  foundation: z.boolean().optional(),
  drizzleSchema: z.string().min(1).optional(),
  tables: z
    .record(
      z.string().regex(TABLE_KEY, 'table keys are `name` or `schema.name` with plain identifiers'),
      z.discriminatedUnion('scope', [tenantTableSchema, workspaceTableSchema, globalTableSchema, ignoredTableSchema]),
    )
    .optional(),
  lint: z
    .strictObject({
      allow: z
        .array(
          z.strictObject({
            rule: z.string().min(1),
            object: z.string().min(1),
            reason: z.string().trim().min(1, 'a suppression needs a reason'),
          }),
        )
        .optional(),
    })
    .optional(),
});
