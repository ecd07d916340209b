import { parseArgs } from 'node:util';
import { loadConfig } from '../config/load-config.js';
import { generateSql } from '../generate/generate-sql.js';
import { diffDatabase } from '../lint/diff-database.js';
import { formatDiff } from '../lint/format-diff.js';
import type { CliIo } from './cli-io.js';
import { databaseUrl, withDatabase } from './database.js';
import { dialectTools } from './dialect-tools.js';
import type { ExitCode } from './exit-codes.js';
import { EXIT_CODES } from './exit-codes.js';
import { oneOf, parse } from './parse-options.js';

/** `tenancy diff`: what `apply` would change, computed in a rolled-back transaction. */
export async function diffCommand(args: string[], io: CliIo, debug: boolean): Promise<ExitCode> {
  const values = parse('diff', () =>
    parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        config: { type: 'string', short: 'c' },
        'database-url': { type: 'string', short: 'd' },
        format: { type: 'string', short: 'f' },
        'exit-code': { type: 'boolean' },
        debug: { type: 'boolean' },
      },
    }),
  );
  const format = oneOf('diff', '--format', values.format, ['text', 'json'] as const, 'text');
  const url = databaseUrl(values['database-url'], io, 'diff');
  const config = await loadConfig(values.config, { cwd: io.cwd });
  const { dialect } = await dialectTools(config);
  const report = await withDatabase(url, debug, io, (sql) =>
    diffDatabase({ sql, config, script: generateSql(config, { dialect }) }),
  );
  io.stdout(formatDiff(report, format));
  return values['exit-code'] === true && report.changes.length > 0 ? EXIT_CODES.FINDINGS : EXIT_CODES.OK;
}
