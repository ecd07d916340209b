// Words PostgreSQL will not accept as a bare table, column or role name (pg_get_keywords() categories R, T and C).
const KEYWORDS = new Set(
  (
    'all analyse analyze and any array as asc asymmetric authorization between bigint binary bit boolean both case ' +
    'cast char character check coalesce collate collation column concurrently constraint create cross ' +
    'current_catalog current_date current_role current_schema current_time current_timestamp current_user dec ' +
    'decimal default deferrable desc distinct do else end except exists extract false fetch float for foreign ' +
    'freeze from full grant greatest group grouping having ilike in initially inner inout int integer intersect ' +
    'interval into is isnull join lateral leading least left like limit localtime localtimestamp national natural ' +
    'nchar none normalize not notnull null nullif numeric offset on only or order out outer overlaps overlay placing ' +
    'position precision primary real references returning right row select session_user setof similar smallint ' +
    'some substring symmetric table tablesample then time timestamp to trailing treat trim true union unique user ' +
    'using values varchar variadic verbose when where window with xmlattributes xmlconcat xmlelement xmlexists ' +
    'xmlforest xmlnamespaces xmlparse xmlpi xmlroot xmlserialize xmltable'
  ).split(' '),
);

/**
 * Quotes an identifier only when it must be quoted, so the common case (`public.projects`) stays readable and the
 * rest (`"Projects"`, `"user"`) still means exactly the object the config names. For dialect authors.
 * @example
 * ident('projects'); // projects
 * ident('user'); // "user"
 * @see https://github.com/tenancy/tenancy/blob/main/docs/rls.md#dialects
 */
export function ident(name: string): string {
  if (/^[a-z_][a-z0-9_$]*$/.test(name) && !KEYWORDS.has(name)) return name;
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * `schema.name`, each part quoted when needed.
 * @example
 * qualify('public', 'Projects'); // public."Projects"
 */
export function qualify(schema: string, name: string): string {
  return `${ident(schema)}.${ident(name)}`;
}

/**
 * A standard SQL string literal (standard_conforming_strings is on by default since PostgreSQL 9.1).
 * @example
 * literal("it's"); // 'it''s'
 */
export function literal(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** A table name as a string literal castable to regclass, e.g. `'public.projects'` or `'public."Projects"'`. */
export function regclassLiteral(schema: string, name: string): string {
  return literal(qualify(schema, name));
}
