/** Quotes a PostgreSQL identifier (`"a""b"`), so configured names can never break out of the statement. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Quotes a PostgreSQL string literal (`'it''s'`). Standard-conforming strings are the default since 9.1. */
export function quoteLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** `schema.name`, both parts quoted. */
export function qualifiedName(schema: string, name: string): string {
  return `${quoteIdent(schema)}.${quoteIdent(name)}`;
}
