// Regenerates sql/foundation.sql, the committed output of foundationSql for the default config:
//   pnpm tsx packages/postgres/src/foundation/write-foundation-sql.ts
// foundation-sql-file.test.ts fails when the file is stale.
import { writeFileSync } from 'node:fs';
import { resolveConfig } from '../config/resolve-config.js';
import { foundationSql } from './foundation-sql.js';

/** Where the committed foundation DDL lives, relative to the repository root. */
export const FOUNDATION_SQL_FILE = new URL('../../../../sql/foundation.sql', import.meta.url);

/** The committed file's content: a header, then `foundationSql` for the default config. */
export function foundationSqlFile(): string {
  return `-- The foundation schema DDL for the default config (helper schema "tenancy"), from foundationSql().
-- Generated: do not edit. Regenerate with \`pnpm tsx packages/postgres/src/foundation/write-foundation-sql.ts\`.
-- Policies and grants are not here: \`tenancy generate\` with \`foundation: true\` emits them with this DDL.
${foundationSql(resolveConfig({ foundation: true }))}`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writeFileSync(FOUNDATION_SQL_FILE, foundationSqlFile());
}
