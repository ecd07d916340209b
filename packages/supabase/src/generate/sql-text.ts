// Quoting for the names this package puts into SQL text, the same way the generator of @tenancy/postgres quotes:
// only when needed, so the common case (`tenancy_private.is_member`) stays readable and an odd name (`"user"`)
// still means exactly the object it names.

// Words PostgreSQL will not accept as a bare name (pg_get_keywords() categories R, T and C).
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

/** An identifier, quoted only when it must be. */
export function ident(name: string): string {
  if (/^[a-z_][a-z0-9_$]*$/.test(name) && !KEYWORDS.has(name)) return name;
  return `"${name.replaceAll('"', '""')}"`;
}

/** `schema.name`, each part quoted when needed. */
export function qualify(schema: string, name: string): string {
  return `${ident(schema)}.${ident(name)}`;
}

/** A standard SQL string literal. */
export function literal(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
