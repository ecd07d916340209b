import type postgres from 'postgres';
import type { DriftResult } from './drift/compute-drift.js';

/** A privilege on a table, view or sequence, lower-case as `tenancy check` prints it. */
export type TablePrivilege = 'select' | 'insert' | 'update' | 'delete' | 'truncate' | 'references' | 'trigger';

/** The command a policy applies to. */
export type PolicyCommand = 'all' | 'select' | 'insert' | 'update' | 'delete';

/** The kinds of relation the linter reads. */
export type RelationKind = 'table' | 'partitioned-table' | 'view' | 'materialized-view' | 'foreign-table';

/** A role's attributes that matter for row level security. */
export interface CatalogRole {
  name: string;
  superuser: boolean;
  bypassRls: boolean;
  canLogin: boolean;
}

/** One column of a relation. */
export interface CatalogColumn {
  name: string;
  type: string;
  notNull: boolean;
  default: string | null;
}

/** A table, view, materialized view or foreign table in a non-system schema. */
export interface CatalogRelation {
  schema: string;
  name: string;
  /** `schema.name`, the object name findings use. */
  qualifiedName: string;
  kind: RelationKind;
  owner: string;
  rowSecurity: boolean;
  forceRowSecurity: boolean;
  /** True for a declarative partition (`relispartition`); inheritance children are listed through `parents` only. */
  isPartition: boolean;
  /** Qualified names of the direct parents in pg_inherits (partitioned parent or inheritance parent). */
  parents: string[];
  columns: CatalogColumn[];
  /** Views: `security_invoker` is on. */
  securityInvoker: boolean;
  /** Views and materialized views: the relations their definition reads directly. */
  dependsOn: string[];
  /** The app role's effective privileges: its own, PUBLIC's, and those of the roles whose privileges it inherits. */
  appPrivileges: TablePrivilege[];
  /** The app role owns the relation, or can SET ROLE to its owner. */
  appOwns: boolean;
  /** The login role owns the relation, or (not being a superuser) can SET ROLE to its owner. */
  loginOwns: boolean;
}

/** A row level security policy. */
export interface CatalogPolicy {
  /** Qualified name of the table the policy is on. */
  table: string;
  name: string;
  permissive: boolean;
  command: PolicyCommand;
  /** Role names, `public` for PUBLIC, sorted. */
  roles: string[];
  /** The policy applies to the app role: TO PUBLIC, the app role, or a role whose privileges it inherits. */
  appliesToApp: boolean;
  /** Deparsed USING expression (pg_get_expr), null when absent. */
  using: string | null;
  /** Deparsed WITH CHECK expression, null when absent (then USING is used for ALL and UPDATE). */
  withCheck: string | null;
}

/** An index, with its key columns in order (null for an expression). */
export interface CatalogIndex {
  /** Qualified name of the indexed table. */
  table: string;
  name: string;
  columns: Array<string | null>;
  unique: boolean;
  partial: boolean;
  /** The primary key, unique or exclusion constraint the index backs, if any. */
  constraint: string | null;
}

/** A primary key, unique or foreign key constraint. */
export interface CatalogConstraint {
  table: string;
  name: string;
  type: 'primary-key' | 'unique' | 'foreign-key';
  columns: string[];
  /** Foreign keys: the referenced table and columns, pairwise with `columns`. */
  references: { table: string; columns: string[] } | null;
}

/** A SECURITY DEFINER function outside the system schemas and extensions. */
export interface CatalogFunction {
  /** `schema.name(argument types)`. */
  signature: string;
  /** The pinned `search_path` (proconfig), null when the function does not set one. */
  searchPath: string | null;
  /** PUBLIC can execute it (the default for a new function unless revoked). */
  publicExecute: boolean;
}

/**
 * Everything the rules look at, read once per run in one read-only, repeatable-read transaction.
 * @see https://github.com/tenancy/tenancy/blob/main/docs/linter.md
 */
export interface CatalogSnapshot {
  database: string;
  /** The role the linter is connected as (`current_user`). */
  currentUser: string;
  /** The role the application logs in with: `loginRole` if given, else `currentUser`. */
  loginRoleName: string;
  appRoleName: string;
  appRole: CatalogRole | undefined;
  loginRole: CatalogRole | undefined;
  /**
   * The platform role, when the login role (not a superuser, not the platform role itself) has its privileges
   * without `SET ROLE`, i.e. is a member with INHERIT. Undefined otherwise.
   */
  loginInheritsPlatform?: string | undefined;
  /** Sorted by schema then name. */
  relations: CatalogRelation[];
  policies: CatalogPolicy[];
  indexes: CatalogIndex[];
  constraints: CatalogConstraint[];
  functions: CatalogFunction[];
  /** The comparison with the generated SQL; undefined when drift checking was turned off. */
  drift?: DriftResult | undefined;
}

/** Options for {@link readCatalog}. */
export interface ReadCatalogOptions {
  sql: postgres.Sql;
  appRole: string;
  /** The platform role, for the login-role inheritance check. */
  platformRole?: string | undefined;
  loginRole?: string | undefined;
}

// Column aliases are single lower-case words so that a client created with a column-name transform
// (postgres.camel and friends) hands them back unchanged.
const SYSTEM_SCHEMA = `n.nspname not in ('pg_catalog', 'information_schema') and n.nspname !~ '^pg_'`;

const KIND: Record<string, RelationKind> = {
  r: 'table',
  p: 'partitioned-table',
  v: 'view',
  m: 'materialized-view',
  f: 'foreign-table',
};

const COMMAND: Record<string, PolicyCommand> = { '*': 'all', r: 'select', a: 'insert', w: 'update', d: 'delete' };

interface RelationRow {
  schema: string;
  name: string;
  kind: string;
  owner: string;
  rowsecurity: boolean;
  forcerowsecurity: boolean;
  ispartition: boolean;
  options: string[];
  columns: Array<{ name: string; type: string; notnull: boolean; def: string | null }>;
  parents: string[];
  dependson: string[];
  appprivileges: TablePrivilege[];
  appowns: boolean;
  loginowns: boolean;
}

/**
 * Reads the catalog snapshot the lint rules run over: a handful of pg_catalog queries in one transaction.
 * @example
 * const catalog = await readCatalog({ sql, appRole: 'tenancy_app' });
 * @see https://github.com/tenancy/tenancy/blob/main/docs/linter.md
 */
export async function readCatalog(options: ReadCatalogOptions): Promise<CatalogSnapshot> {
  const { sql, appRole } = options;
  return sql.begin('isolation level repeatable read read only', async (tx) => {
    const [who] = await tx<{ database: string; currentuser: string }[]>`
      select current_database() as database, current_user as currentuser`;
    const currentUser = who!.currentuser;
    const loginRoleName = options.loginRole ?? currentUser;

    const roles = await tx<{ name: string; superuser: boolean; bypassrls: boolean; canlogin: boolean }[]>`
      select rolname as name, rolsuper as superuser, rolbypassrls as bypassrls, rolcanlogin as canlogin
      from pg_roles where rolname in (${appRole}, ${loginRoleName})`;
    // pg_has_role(..., 'USAGE') is true only for a member whose grant is inherited: MEMBER alone would include the
    // intended NOINHERIT setup, where the login role can SET ROLE but holds none of the role's privileges.
    const inherits =
      options.platformRole === undefined || options.platformRole === loginRoleName
        ? []
        : await tx<{ inherits: boolean }[]>`
            select pg_has_role(l.oid, p.oid, 'USAGE') and not l.rolsuper as inherits
            from pg_roles l, pg_roles p where l.rolname = ${loginRoleName} and p.rolname = ${options.platformRole}`;
    const role = (name: string): CatalogRole | undefined => {
      const r = roles.find((x) => x.name === name);
      return r && { name: r.name, superuser: r.superuser, bypassRls: r.bypassrls, canLogin: r.canlogin };
    };

    // app_roles: the app role and every role whose privileges it inherits. A superuser is "member" of every role,
    // which would make every object look owned and every privilege granted; that case has its own rule instead.
    const appRoles = tx`
      app as (select oid, rolsuper from pg_roles where rolname = ${appRole}),
      login as (select oid, rolsuper from pg_roles where rolname = ${loginRoleName}),
      app_roles as (
        select r.oid from pg_roles r, app
        where r.oid = app.oid or (not app.rolsuper and pg_has_role(app.oid, r.oid, 'USAGE'))
      )`;

    const relationRows = await tx<RelationRow[]>`
      with ${appRoles}
      select n.nspname as schema, c.relname as name, c.relkind::text as kind,
        pg_get_userbyid(c.relowner) as owner,
        c.relrowsecurity as rowsecurity, c.relforcerowsecurity as forcerowsecurity,
        c.relispartition as ispartition, coalesce(c.reloptions, '{}') as options,
        coalesce((
          select json_agg(json_build_object(
            'name', a.attname, 'type', format_type(a.atttypid, a.atttypmod), 'notnull', a.attnotnull,
            'def', pg_get_expr(ad.adbin, ad.adrelid)) order by a.attnum)
          from pg_attribute a left join pg_attrdef ad on ad.adrelid = a.attrelid and ad.adnum = a.attnum
          where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
        ), '[]') as columns,
        coalesce((
          select json_agg(pn.nspname || '.' || p.relname order by pn.nspname, p.relname)
          from pg_inherits i join pg_class p on p.oid = i.inhparent join pg_namespace pn on pn.oid = p.relnamespace
          where i.inhrelid = c.oid
        ), '[]') as parents,
        coalesce((
          select json_agg(distinct dn.nspname || '.' || dc.relname)
          from pg_rewrite r
          join pg_depend d on d.classid = 'pg_rewrite'::regclass and d.objid = r.oid
            and d.refclassid = 'pg_class'::regclass
          join pg_class dc on dc.oid = d.refobjid join pg_namespace dn on dn.oid = dc.relnamespace
          where r.ev_class = c.oid and d.refobjid <> c.oid
        ), '[]') as dependson,
        coalesce((
          select json_agg(distinct lower(a.privilege_type))
          from aclexplode(coalesce(c.relacl, acldefault('r', c.relowner))) a
          where a.grantee = 0 or a.grantee in (select oid from app_roles)
        ), '[]') as appprivileges,
        coalesce((select c.relowner = app.oid or (not app.rolsuper and pg_has_role(app.oid, c.relowner, 'MEMBER'))
          from app), false) as appowns,
        coalesce((select c.relowner = login.oid or (not login.rolsuper and pg_has_role(login.oid, c.relowner, 'MEMBER'))
          from login), false) as loginowns
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind in ('r', 'p', 'v', 'm', 'f') and ${tx.unsafe(SYSTEM_SCHEMA)}
        and not exists (
          select 1 from pg_depend e
          where e.classid = 'pg_class'::regclass and e.objid = c.oid and e.deptype = 'e'
        )
      order by n.nspname, c.relname`;

    const policyRows = await tx<
      {
        tablename: string;
        name: string;
        permissive: boolean;
        cmd: string;
        roles: string[];
        appliestoapp: boolean;
        using: string | null;
        withcheck: string | null;
      }[]
    >`
      with ${appRoles}
      select n.nspname || '.' || c.relname as tablename, p.polname as name, p.polpermissive as permissive,
        p.polcmd::text as cmd,
        coalesce((
          select json_agg(case when r = 0 then 'public' else pg_get_userbyid(r) end)
          from unnest(p.polroles) r
        ), '[]') as roles,
        exists (select 1 from unnest(p.polroles) r where r = 0 or r in (select oid from app_roles)) as appliestoapp,
        pg_get_expr(p.polqual, p.polrelid) as using, pg_get_expr(p.polwithcheck, p.polrelid) as withcheck
      from pg_policy p join pg_class c on c.oid = p.polrelid join pg_namespace n on n.oid = c.relnamespace
      where ${tx.unsafe(SYSTEM_SCHEMA)}
      order by n.nspname, c.relname, p.polname`;

    const indexRows = await tx<
      {
        tablename: string;
        name: string;
        columns: Array<string | null>;
        isunique: boolean;
        partial: boolean;
        con: string | null;
      }[]
    >`
      select n.nspname || '.' || tc.relname as tablename, ic.relname as name,
        coalesce((
          select json_agg(a.attname order by u.ord)
          from unnest(i.indkey::int2[]) with ordinality as u(attnum, ord)
          left join pg_attribute a on a.attrelid = i.indrelid and a.attnum = u.attnum and u.attnum <> 0
          where u.ord <= i.indnkeyatts
        ), '[]') as columns,
        i.indisunique as isunique, i.indpred is not null as partial,
        (select conname from pg_constraint where conindid = i.indexrelid and contype in ('p', 'u', 'x') limit 1) as con
      from pg_index i
      join pg_class ic on ic.oid = i.indexrelid
      join pg_class tc on tc.oid = i.indrelid join pg_namespace n on n.oid = tc.relnamespace
      where ${tx.unsafe(SYSTEM_SCHEMA)}
      order by n.nspname, tc.relname, ic.relname`;

    const constraintRows = await tx<
      {
        tablename: string;
        name: string;
        type: string;
        columns: string[];
        reftable: string | null;
        refcolumns: string[];
      }[]
    >`
      select n.nspname || '.' || c.relname as tablename, con.conname as name, con.contype::text as type,
        coalesce((
          select json_agg(a.attname order by u.ord) from unnest(con.conkey) with ordinality as u(attnum, ord)
          join pg_attribute a on a.attrelid = con.conrelid and a.attnum = u.attnum
        ), '[]') as columns,
        case when con.contype = 'f' then fn.nspname || '.' || fc.relname end as reftable,
        coalesce((
          select json_agg(a.attname order by u.ord) from unnest(con.confkey) with ordinality as u(attnum, ord)
          join pg_attribute a on a.attrelid = con.confrelid and a.attnum = u.attnum
        ), '[]') as refcolumns
      from pg_constraint con
      join pg_class c on c.oid = con.conrelid join pg_namespace n on n.oid = c.relnamespace
      left join pg_class fc on fc.oid = con.confrelid left join pg_namespace fn on fn.oid = fc.relnamespace
      -- conparentid: a partition's copy of its parent's constraint is reported once, on the parent.
      where con.contype in ('p', 'u', 'f') and con.conparentid = 0 and ${tx.unsafe(SYSTEM_SCHEMA)}
      order by n.nspname, c.relname, con.conname`;

    const functionRows = await tx<{ signature: string; searchpath: string | null; publicexecute: boolean }[]>`
      select n.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')' as signature,
        (select substr(cfg, length('search_path=') + 1) from unnest(p.proconfig) cfg
          where cfg like 'search_path=%' limit 1) as searchpath,
        exists (
          select 1 from aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
          where a.grantee = 0 and a.privilege_type = 'EXECUTE'
        ) as publicexecute
      from pg_proc p join pg_namespace n on n.oid = p.pronamespace
      where p.prosecdef and ${tx.unsafe(SYSTEM_SCHEMA)}
        and not exists (
          select 1 from pg_depend e
          where e.classid = 'pg_proc'::regclass and e.objid = p.oid and e.deptype = 'e'
        )
      order by 1`;

    return {
      database: who!.database,
      currentUser,
      loginRoleName,
      appRoleName: appRole,
      appRole: role(appRole),
      loginRole: role(loginRoleName),
      loginInheritsPlatform: inherits[0]?.inherits === true ? options.platformRole : undefined,
      relations: relationRows.map(toRelation),
      policies: policyRows.map((p) => ({
        table: p.tablename,
        name: p.name,
        permissive: p.permissive,
        command: COMMAND[p.cmd] ?? 'all',
        roles: [...p.roles].sort(),
        appliesToApp: p.appliestoapp,
        using: p.using,
        withCheck: p.withcheck,
      })),
      indexes: indexRows.map((i) => ({
        table: i.tablename,
        name: i.name,
        columns: i.columns,
        unique: i.isunique,
        partial: i.partial,
        constraint: i.con,
      })),
      constraints: constraintRows.map((c) => ({
        table: c.tablename,
        name: c.name,
        type: c.type === 'p' ? 'primary-key' : c.type === 'u' ? 'unique' : 'foreign-key',
        columns: c.columns,
        references: c.reftable === null ? null : { table: c.reftable, columns: c.refcolumns },
      })),
      functions: functionRows.map((f) => ({
        signature: f.signature,
        searchPath: f.searchpath,
        publicExecute: f.publicexecute,
      })),
    };
  });
}

function toRelation(r: RelationRow): CatalogRelation {
  return {
    schema: r.schema,
    name: r.name,
    qualifiedName: `${r.schema}.${r.name}`,
    kind: KIND[r.kind] ?? 'table',
    owner: r.owner,
    rowSecurity: r.rowsecurity,
    forceRowSecurity: r.forcerowsecurity,
    isPartition: r.ispartition,
    parents: r.parents,
    columns: r.columns.map((c) => ({ name: c.name, type: c.type, notNull: c.notnull, default: c.def })),
    securityInvoker: r.options.some((o) => /^security_invoker=(true|on|yes|1)$/i.test(o)),
    dependsOn: r.dependson,
    appPrivileges: [...r.appprivileges].sort(),
    appOwns: r.appowns,
    loginOwns: r.loginowns,
  };
}
