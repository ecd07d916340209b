import { parseArgs } from 'node:util';
import { loadConfig } from '../config/load-config.js';
import { generateSql } from '../generate/generate-sql.js';
import type { CliIo } from './cli-io.js';
import { UsageError } from './cli-io.js';
import { databaseUrl, redactUrl, withDatabase } from './database.js';
import { dialectTools } from './dialect-tools.js';
import type { ExitCode } from './exit-codes.js';
import { EXIT_CODES } from './exit-codes.js';
import { oneOf, parse } from './parse-options.js';

const DURATION = /^\d+(?:\.\d+)?\s*(?:us|ms|s|min|h)?$/;

/** `tenancy apply`: the generated SQL, in one transaction, with a lock timeout. */
export async function applyCommand(args: string[], io: CliIo, debug: boolean): Promise<ExitCode> {
  const values = parse('apply', () =>
    parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        config: { type: 'string', short: 'c' },
        'database-url': { type: 'string', short: 'd' },
        only: { type: 'string' },
        'lock-timeout': { type: 'string' },
        debug: { type: 'boolean' },
      },
    }),
  );
  const only = oneOf('apply', '--only', values.only, ['all', 'support', 'prelude'] as const, 'all');
  const lockTimeout = values['lock-timeout'] ?? '10s';
  if (!DURATION.test(lockTimeout)) {
    throw new UsageError(`--lock-timeout must be a duration such as 10s or 500ms (got "${lockTimeout}")`, 'apply');
  }
  const url = databaseUrl(values['database-url'], io, 'apply');
  const config = await loadConfig(values.config, { cwd: io.cwd });
  // The script's own begin/commit are left out: the whole run is this one transaction.
  const { dialect } = await dialectTools(config);
  const script = generateSql(config, { only, transaction: false, dialect });
  const started = performance.now();
  await withDatabase(url, debug, io, (sql) =>
    sql.begin(async (tx) => {
      // A deploy must not queue behind a long query holding a table lock while every other query queues behind it.
      await tx.unsafe(`set local lock_timeout = '${lockTimeout}'`);
      await tx.unsafe(script);
    }),
  );
  const tables = config.tables.filter((t) => t.scope !== 'ignore').length;
  const ms = Math.round(performance.now() - started);
  io.stderr(
    `tenancy apply: applied ${config.source} (${only === 'all' ? '' : `${only}, `}${tables} tables, dialect ${config.dialect}) to ${redactUrl(url)} in ${ms} ms.\n`,
  );
  return EXIT_CODES.OK;
}
