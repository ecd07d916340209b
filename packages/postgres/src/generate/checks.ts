import type { ResolvedTable, ResolvedTenancyConfig } from '../config/config-types.js';
import type { Dialect } from './dialects/dialect.js';
import type { PolicySpec } from './plan-policies.js';
import { planPolicies } from './plan-policies.js';
import { ident, literal, regclassLiteral } from './sql-text.js';

/**
 * Raises, before anything changes, when a configured table or column does not exist: one message naming all of
 * them beats a failure halfway through the script on the first one.
 */
export function preflightStatement(tables: readonly ResolvedTable[]): string | undefined {
  const rows: string[] = [];
  for (const table of tables) {
    if (table.scope === 'ignore') continue;
    const rel = regclassLiteral(table.schema, table.name);
    if (table.scope === 'global') rows.push(`(${rel}, null)`);
    else rows.push(`(${rel}, ${literal(table.tenantColumn)})`);
    if (table.scope === 'workspace') rows.push(`(${rel}, ${literal(table.workspaceColumn)})`);
  }
  if (rows.length === 0) return undefined;
  return [
    'do $$',
    'declare',
    '  missing text;',
    'begin',
    "  select string_agg(coalesce(e.rel || '.' || e.col, e.rel), ', ') into missing",
    '  from (values',
    `    ${rows.join(',\n    ')}`,
    '  ) as e(rel, col)',
    '  where pg_catalog.to_regclass(e.rel) is null',
    '     or (e.col is not null and not exists (',
    '       select from pg_catalog.pg_attribute a',
    '       where a.attrelid = pg_catalog.to_regclass(e.rel) and a.attname = e.col and not a.attisdropped));',
    '  if missing is not null then',
    "    raise exception 'tenancy: configured tables or columns do not exist: %', missing",
    "      using hint = 'Run your schema migrations first, or fix the table names in the tenancy config.';",
    '  end if;',
    'end',
    '$$;',
  ].join('\n');
}

/**
 * Grants USAGE on the sequences behind serial columns of the managed tables (identity columns need none), so an
 * INSERT as the app role does not fail on `nextval`.
 */
export function sequenceGrantStatement(
  tables: readonly ResolvedTable[],
  config: ResolvedTenancyConfig,
  dialect: Dialect,
): string | undefined {
  const roles = dialect.policyRoles(config);
  const rows: string[] = [];
  for (const table of tables) {
    if (table.scope === 'ignore') continue;
    const writers =
      table.scope !== 'global' && table.grants.includes('insert') ? [roles.app, roles.platform] : [roles.platform];
    rows.push(`(${regclassLiteral(table.schema, table.name)}, ${literal(writers.map(ident).join(', '))})`);
  }
  if (rows.length === 0) return undefined;
  return [
    'do $$',
    'declare',
    '  s record;',
    'begin',
    '  for s in',
    '    select d.objid::regclass as seq, e.grantees',
    '    from (values',
    `      ${rows.join(',\n      ')}`,
    '    ) as e(rel, grantees)',
    "    join pg_catalog.pg_depend d on d.refobjid = e.rel::regclass and d.classid = 'pg_catalog.pg_class'::regclass",
    "      and d.refclassid = 'pg_catalog.pg_class'::regclass and d.deptype = 'a'",
    "    join pg_catalog.pg_class c on c.oid = d.objid and c.relkind = 'S'",
    '    order by 1',
    '  loop',
    "    execute format('grant usage on sequence %s to %s', s.seq, s.grantees);",
    '  end loop;',
    'end',
    '$$;',
  ].join('\n');
}

/**
 * Drops `tenancy_*` policies this config no longer generates (a command removed from `grants`, a scope changed), so
 * applying a new config converges instead of leaving an old, wider policy behind.
 */
export function stalePolicyStatement(
  tables: readonly ResolvedTable[],
  config: ResolvedTenancyConfig,
  dialect: Dialect,
): string | undefined {
  const rows: string[] = [];
  for (const table of tables) {
    if (table.scope === 'ignore') continue;
    const names = planPolicies(table, config, dialect).map((p: PolicySpec) => literal(p.name));
    rows.push(`(${literal(table.schema)}, ${literal(table.name)}, array[${names.join(', ')}]::name[])`);
  }
  if (rows.length === 0) return undefined;
  return [
    'do $$',
    'declare',
    '  p record;',
    'begin',
    '  for p in',
    '    select pol.schemaname, pol.tablename, pol.policyname',
    '    from (values',
    `      ${rows.join(',\n      ')}`,
    '    ) as e(schemaname, tablename, keep)',
    '    join pg_catalog.pg_policies pol on pol.schemaname = e.schemaname and pol.tablename = e.tablename',
    "    where pol.policyname like 'tenancy\\_%' and pol.policyname <> all (e.keep)",
    '    order by 1, 2, 3',
    '  loop',
    "    execute format('drop policy %I on %I.%I', p.policyname, p.schemaname, p.tablename);",
    '  end loop;',
    'end',
    '$$;',
  ].join('\n');
}
