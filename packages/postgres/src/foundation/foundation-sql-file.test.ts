import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FOUNDATION_SQL_FILE, foundationSqlFile } from './write-foundation-sql.js';

describe('sql/foundation.sql', () => {
  it('is the current output of foundationSql for the default config', () => {
    const committed = readFileSync(FOUNDATION_SQL_FILE, 'utf8');
    expect(committed, 'stale: run pnpm tsx packages/postgres/src/foundation/write-foundation-sql.ts').toBe(
      foundationSqlFile(),
    );
  });
});
