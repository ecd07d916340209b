import type postgres from 'postgres';
import type { ResolvedTenancyConfig } from '../../config/index.js';

/** The kinds of object the generated SQL creates or changes, in the order reports list them. */
export const STATE_KINDS = [
  'role',
  'membership',
  'schema',
  'schema-grant',
  'function',
  'function-grant',
  'table',
  'index',
  'column-default',
  'rls',
  'grant',
  'trigger',
  'policy',
] as const;

/** One kind of object in the state snapshot. */
export type StateKind = (typeof STATE_KINDS)[number];

/** One object of the state the generated SQL manages, rendered as comparable text. */
export interface StateItem {
  kind: StateKind;
  /** Unique within its kind: `public.projects`, `public.projects.tenancy_tenant_guard`, `public.projects to tenancy_app`. */
  object: string;
  value: string;
  /**
   * For policies: whether the drift check owns it (a `tenancy_*` name, or it applies to the app role, the platform
   * role or PUBLIC). Policies for other roles are the user's business and never reported as unexpected.
   */
  managed: boolean;
}

/** The tables whose row level security state the generated SQL sets: every classified table but the ignored ones. */
export function managedTableNames(config: ResolvedTenancyConfig): string[] {
  return config.tables.filter((t) => t.scope !== 'ignore').map((t) => `${t.schema}.${t.name}`);
}

/**
 * Reads the objects the generated SQL manages: the two roles and who may SET ROLE to them, the helper schema and its
 * functions and grants, and for each classified table its RLS flags, policies, grants, tenant-column default,
 * tenancy triggers and indexes. Works on any connection or transaction; it only reads.
 */
export async function readState(
  sql: postgres.Sql | postgres.TransactionSql,
  config: ResolvedTenancyConfig,
): Promise<StateItem[]> {
  const { app, platform } = config.roles;
  const tables = managedTableNames(config);
  const helper = config.helperSchema;
  const columns = config.tables.flatMap((t) =>
    t.scope === 'tenant'
      ? [`${t.schema}.${t.name}.${t.tenantColumn}`]
      : t.scope === 'workspace'
        ? [`${t.schema}.${t.name}.${t.tenantColumn}`, `${t.schema}.${t.name}.${t.workspaceColumn}`]
        : [],
  );
  const items: StateItem[] = [];
  const push = (kind: StateKind, object: string, value: string, managed = true) =>
    items.push({ kind, object, value, managed });

  // Single lower-case column aliases throughout: a client with a column transform hands them back unchanged.
  const roles = await sql<{ name: string; login: boolean; superuser: boolean; bypassrls: boolean; inherit: boolean }[]>`
    select rolname as name, rolcanlogin as login, rolsuper as superuser, rolbypassrls as bypassrls,
      rolinherit as inherit
    from pg_catalog.pg_roles where rolname in (${app}, ${platform})`;
  for (const r of roles) {
    push(
      'role',
      r.name,
      [
        r.login ? 'login' : 'nologin',
        r.superuser ? 'superuser' : 'nosuperuser',
        r.bypassrls ? 'bypassrls' : 'nobypassrls',
        r.inherit ? 'inherit' : 'noinherit',
      ].join(' '),
    );
  }

  const members = await sql<{ role: string; member: string }[]>`
    select r.rolname as role, m.rolname as member
    from pg_catalog.pg_auth_members a
    join pg_catalog.pg_roles r on r.oid = a.roleid join pg_catalog.pg_roles m on m.oid = a.member
    where r.rolname in (${app}, ${platform})`;
  for (const m of members) push('membership', `${m.role} to ${m.member}`, 'granted');

  const schemas = await sql<{ name: string; grantee: string | null; privileges: string[] | null }[]>`
    select n.nspname as name, g.grantee, g.privileges
    from pg_catalog.pg_namespace n
    left join lateral (
      select case when a.grantee = 0 then 'public' else pg_catalog.pg_get_userbyid(a.grantee) end as grantee,
        json_agg(lower(a.privilege_type) order by a.privilege_type) as privileges
      from aclexplode(coalesce(n.nspacl, acldefault('n', n.nspowner))) a
      where a.grantee = 0 or a.grantee in (select oid from pg_catalog.pg_roles where rolname in (${app}, ${platform}))
      group by a.grantee
    ) g on true
    where n.nspname = ${helper}`;
  for (const s of schemas) {
    if (!items.some((i) => i.kind === 'schema' && i.object === s.name)) push('schema', s.name, 'exists');
    if (s.grantee !== null) push('schema-grant', `${s.name} to ${s.grantee}`, (s.privileges ?? []).join(', '));
  }

  const functions = await sql<{ signature: string; definition: string; grantees: string[] }[]>`
    select n.nspname || '.' || p.proname || '(' || pg_catalog.pg_get_function_identity_arguments(p.oid) || ')' as signature,
      pg_catalog.pg_get_functiondef(p.oid) as definition,
      coalesce((
        select json_agg(case when a.grantee = 0 then 'public' else pg_catalog.pg_get_userbyid(a.grantee) end)
        from aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
        where a.privilege_type = 'EXECUTE'
          and (a.grantee = 0 or a.grantee in (select oid from pg_catalog.pg_roles where rolname in (${app}, ${platform})))
      ), '[]') as grantees
    from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace
    where n.nspname = ${helper} and p.prokind in ('f', 'p')`;
  for (const f of functions) {
    push('function', f.signature, f.definition.trim());
    for (const g of f.grantees) push('function-grant', `${f.signature} to ${g}`, 'execute');
  }

  // The helper schema's own tables (the foundation) are created by the generated SQL; include them even when the
  // configuration lists only some of them.
  const relations = await sql<
    {
      name: string;
      columns: string[];
      rowsecurity: boolean;
      forcerowsecurity: boolean;
      grants: Array<{ grantee: string; privileges: string[] }>;
      sequences: Array<{ name: string; grantee: string; privileges: string[] }>;
    }[]
  >`
    with targets as (
      select c.oid, n.nspname || '.' || c.relname as name
      from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      where c.relkind in ('r', 'p')
        and (n.nspname || '.' || c.relname = any (${tables}::text[]) or n.nspname = ${helper})
    ),
    grantees as (
      select oid, rolname from pg_catalog.pg_roles where rolname in (${app}, ${platform})
      union all select 0, 'public'
    )
    select t.name,
      coalesce((
        select json_agg(a.attname || ' ' || pg_catalog.format_type(a.atttypid, a.atttypmod)
          || case when a.attnotnull then ' not null' else '' end order by a.attnum)
        from pg_catalog.pg_attribute a where a.attrelid = t.oid and a.attnum > 0 and not a.attisdropped
      ), '[]') as columns,
      c.relrowsecurity as rowsecurity, c.relforcerowsecurity as forcerowsecurity,
      coalesce((
        select json_agg(json_build_object('grantee', g.rolname, 'privileges', x.privileges) order by g.rolname)
        from grantees g
        cross join lateral (
          select json_agg(lower(a.privilege_type) order by lower(a.privilege_type)) as privileges
          from aclexplode(coalesce(c.relacl, acldefault('r', c.relowner))) a where a.grantee = g.oid
        ) x
        where x.privileges is not null
      ), '[]') as grants,
      coalesce((
        select json_agg(json_build_object('name', sn.nspname || '.' || s.relname, 'grantee', g.rolname,
          'privileges', x.privileges) order by s.relname, g.rolname)
        from pg_catalog.pg_depend d
        join pg_catalog.pg_class s on s.oid = d.objid and s.relkind = 'S'
        join pg_catalog.pg_namespace sn on sn.oid = s.relnamespace
        cross join grantees g
        cross join lateral (
          select json_agg(lower(a.privilege_type) order by lower(a.privilege_type)) as privileges
          from aclexplode(coalesce(s.relacl, acldefault('s', s.relowner))) a where a.grantee = g.oid
        ) x
        where d.refobjid = t.oid and d.classid = 'pg_catalog.pg_class'::regclass
          and d.refclassid = 'pg_catalog.pg_class'::regclass and d.deptype in ('a', 'i') and x.privileges is not null
      ), '[]') as sequences
    from targets t join pg_catalog.pg_class c on c.oid = t.oid`;
  for (const r of relations) {
    push('table', r.name, r.columns.join(', '));
    push('rls', r.name, `${r.rowsecurity ? 'enabled' : 'disabled'}, ${r.forcerowsecurity ? 'forced' : 'not forced'}`);
    for (const g of r.grants) push('grant', `${r.name} to ${g.grantee}`, g.privileges.join(', '));
    for (const s of r.sequences) push('grant', `${s.name} to ${s.grantee}`, s.privileges.join(', '));
  }

  const defaults = await sql<{ name: string; def: string | null }[]>`
    select n.nspname || '.' || c.relname || '.' || a.attname as name, pg_catalog.pg_get_expr(d.adbin, d.adrelid) as def
    from pg_catalog.pg_attribute a
    join pg_catalog.pg_class c on c.oid = a.attrelid join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    left join pg_catalog.pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
    where n.nspname || '.' || c.relname || '.' || a.attname = any (${columns}::text[]) and not a.attisdropped`;
  for (const d of defaults) push('column-default', d.name, d.def ?? '(none)');

  const triggers = await sql<{ name: string; definition: string }[]>`
    select n.nspname || '.' || c.relname || '.' || t.tgname as name, pg_catalog.pg_get_triggerdef(t.oid) as definition
    from pg_catalog.pg_trigger t
    join pg_catalog.pg_class c on c.oid = t.tgrelid join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    join pg_catalog.pg_proc p on p.oid = t.tgfoid join pg_catalog.pg_namespace pn on pn.oid = p.pronamespace
    where not t.tgisinternal and (t.tgname like 'tenancy\\_%' or pn.nspname = ${helper})
      and (n.nspname || '.' || c.relname = any (${tables}::text[]) or n.nspname = ${helper})`;
  for (const t of triggers) push('trigger', t.name, t.definition);

  const indexes = await sql<{ name: string; definition: string }[]>`
    select n.nspname || '.' || ic.relname as name, pg_catalog.pg_get_indexdef(i.indexrelid) as definition
    from pg_catalog.pg_index i
    join pg_catalog.pg_class ic on ic.oid = i.indexrelid
    join pg_catalog.pg_class c on c.oid = i.indrelid join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    where n.nspname || '.' || c.relname = any (${tables}::text[]) or n.nspname = ${helper}`;
  for (const i of indexes) push('index', i.name, i.definition);

  const policies = await sql<
    {
      name: string;
      permissive: boolean;
      cmd: string;
      roles: string[];
      using: string | null;
      withcheck: string | null;
    }[]
  >`
    select n.nspname || '.' || c.relname || '.' || p.polname as name, p.polpermissive as permissive,
      p.polcmd::text as cmd,
      coalesce((
        select json_agg(case when r = 0 then 'public' else pg_catalog.pg_get_userbyid(r) end)
        from unnest(p.polroles) r
      ), '[]') as roles,
      pg_catalog.pg_get_expr(p.polqual, p.polrelid) as using, pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid) as withcheck
    from pg_catalog.pg_policy p
    join pg_catalog.pg_class c on c.oid = p.polrelid join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    where n.nspname || '.' || c.relname = any (${tables}::text[]) or n.nspname = ${helper}`;
  for (const p of policies) {
    const roleList = [...p.roles].sort();
    const policyName = p.name.slice(p.name.lastIndexOf('.') + 1);
    const managed =
      policyName.startsWith('tenancy_') || roleList.some((r) => r === 'public' || r === app || r === platform);
    push('policy', p.name, describePolicy(p.permissive, p.cmd, roleList, p.using, p.withcheck), managed);
  }

  return items.sort(compareItems);
}

const COMMAND: Record<string, string> = { '*': 'all', r: 'select', a: 'insert', w: 'update', d: 'delete' };

function describePolicy(
  permissive: boolean,
  cmd: string,
  roles: string[],
  using: string | null,
  withCheck: string | null,
): string {
  const parts = [`as ${permissive ? 'permissive' : 'restrictive'} for ${COMMAND[cmd] ?? cmd} to ${roles.join(', ')}`];
  if (using !== null) parts.push(`using (${using})`);
  if (withCheck !== null) parts.push(`with check (${withCheck})`);
  return parts.join(' ');
}

/** Orders items by kind (as STATE_KINDS lists them), then object, by code point so the order never depends on locale. */
export function compareItems(a: { kind: StateKind; object: string }, b: { kind: StateKind; object: string }): number {
  const k = STATE_KINDS.indexOf(a.kind) - STATE_KINDS.indexOf(b.kind);
  if (k !== 0) return k;
  return a.object < b.object ? -1 : a.object > b.object ? 1 : 0;
}
