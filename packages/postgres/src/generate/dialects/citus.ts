import type { ResolvedTable, ResolvedTenancyConfig } from '../../config/config-types.js';
import { ident, literal, regclassLiteral } from '../sql-text.js';
import type { ContextStatement, Dialect, TenantContextValues } from './dialect.js';
import { postgresDialect } from './postgres.js';

/** Citus refuses unique constraints that leave out the distribution column: check the keys before distributing. */
function preflightStatements(_config: ResolvedTenancyConfig, tables: readonly ResolvedTable[]): string[] {
  const rows = tables.flatMap((t) =>
    t.scope === 'tenant' || t.scope === 'workspace'
      ? [`(${regclassLiteral(t.schema, t.name)}, ${literal(t.tenantColumn)})`]
      : [],
  );
  const citusInstalled = [
    'do $$',
    'begin',
    "  if pg_catalog.to_regproc('create_distributed_table') is null then",
    "    raise exception 'tenancy: the citus dialect needs the Citus extension'",
    '      using hint = \'create extension citus; (on the coordinator), or set "dialect": "postgres".\';',
    '  end if;',
    'end',
    '$$;',
  ].join('\n');
  if (rows.length === 0) return [citusInstalled];
  return [
    citusInstalled,
    [
      'do $$',
      'declare',
      '  bad text;',
      'begin',
      "  select string_agg(e.rel, ', ') into bad",
      '  from (values',
      `    ${rows.join(',\n    ')}`,
      '  ) as e(rel, col)',
      '  where not exists (',
      '    select from pg_catalog.pg_constraint k',
      '    join pg_catalog.pg_attribute a on a.attrelid = k.conrelid and a.attnum = any (k.conkey)',
      "    where k.conrelid = pg_catalog.to_regclass(e.rel) and k.contype = 'p' and a.attname = e.col);",
      '  if bad is not null then',
      "    raise exception 'tenancy: Citus distributes by the tenant column, but these primary keys do not include it: %', bad",
      "      using hint = 'Use composite keys that lead with the tenant column: primary key (tenant_id, id).';",
      '  end if;',
      'end',
      '$$;',
    ].join('\n'),
  ];
}

/**
 * Distributes tenant tables by their tenant column and makes global tables reference tables, in foreign-key order
 * (Citus needs a referenced table distributed first), skipping those already done so applying again is a no-op.
 */
function beforeTables(_config: ResolvedTenancyConfig, tables: readonly ResolvedTable[]): string[] {
  const entries = tables.flatMap((t) => {
    if (t.scope === 'ignore') return [];
    const column = t.scope === 'global' ? 'null' : literal(t.tenantColumn);
    return [`(${regclassLiteral(t.schema, t.name)}, ${column})`];
  });
  const settings = [
    '-- Citus does not forward set_config() to the workers; SET LOCAL is forwarded when propagate_set_commands is',
    "-- 'local'. Triggers on distributed tables need enable_unsafe_triggers (ours only compares OLD and NEW).",
    'do $$',
    'begin',
    "  execute format('alter database %I set citus.propagate_set_commands = %L', current_database(), 'local');",
    "  execute format('alter database %I set citus.enable_unsafe_triggers = %L', current_database(), 'on');",
    'end',
    '$$;',
    "set local citus.enable_unsafe_triggers = 'on';",
  ].join('\n');
  if (entries.length === 0) return [settings];
  return [
    settings,
    [
      'do $$',
      'declare',
      '  item record;',
      '  progressed boolean := true;',
      '  pending text;',
      'begin',
      '  while progressed loop',
      '    progressed := false;',
      '    for item in',
      '      select e.rel::regclass as rel, e.col',
      '      from (values',
      `        ${entries.join(',\n        ')}`,
      '      ) as e(rel, col)',
      '      where not exists (select from pg_dist_partition p where p.logicalrelid = e.rel::regclass)',
      '    loop',
      '      -- Wait until every table this one references (other than itself) is distributed or a reference table.',
      '      continue when exists (',
      '        select from pg_catalog.pg_constraint c',
      "        where c.conrelid = item.rel and c.contype = 'f' and c.confrelid <> c.conrelid",
      '          and not exists (select from pg_dist_partition p where p.logicalrelid = c.confrelid));',
      '      if item.col is null then',
      '        perform create_reference_table(item.rel);',
      '      else',
      '        perform create_distributed_table(item.rel, item.col);',
      '      end if;',
      '      progressed := true;',
      '    end loop;',
      '  end loop;',
      "  select string_agg(e.rel, ', ') into pending",
      '  from (values',
      `    ${entries.join(',\n    ')}`,
      '  ) as e(rel, col)',
      '  where not exists (select from pg_dist_partition p where p.logicalrelid = e.rel::regclass);',
      '  if pending is not null then',
      "    raise exception 'tenancy: could not distribute % (they reference tables that are neither distributed nor reference tables)', pending;",
      '  end if;',
      'end',
      '$$;',
    ].join('\n'),
  ];
}

function contextStatement(config: ResolvedTenancyConfig, values: TenantContextValues): ContextStatement {
  const { settings, roles } = config;
  const role = values.role === 'app' ? roles.app : roles.platform;
  // SET cannot take bind parameters, so values are quoted literals; SET LOCAL is what Citus forwards to workers.
  const text = [
    `set local ${settings.tenantId} = ${literal(values.tenantId)}`,
    `set local ${settings.userId} = ${literal(values.userId ?? '')}`,
    `set local ${settings.workspaceId} = ${literal(values.workspaceId ?? '')}`,
    `set local role ${ident(role)}`,
  ].join('; ');
  return { text, params: [] };
}

/**
 * Citus (distributed PostgreSQL): the postgres dialect plus composite-key checks, `create_distributed_table` /
 * `create_reference_table`, and `SET LOCAL` for the tenant context.
 * @example
 * generateSql(resolveConfig({ dialect: 'citus', tables: { projects: { scope: 'tenant' } } }));
 * @see https://github.com/tenancy/tenancy/blob/main/docs/rls.md#citus
 */
export const citusDialect: Dialect = {
  ...postgresDialect,
  name: 'citus',
  preflightStatements,
  beforeTables,
  contextStatement,
};
