import { parseArgs } from 'node:util';
import { loadConfig } from '../config/load-config.js';
import { generateSql } from '../generate/generate-sql.js';
import { formatLintReport } from '../lint/format-lint-report.js';
import type { CliIo } from './cli-io.js';
import { databaseUrl, withDatabase } from './database.js';
import { dialectTools } from './dialect-tools.js';
import type { ExitCode } from './exit-codes.js';
import { EXIT_CODES } from './exit-codes.js';
import { oneOf, parse } from './parse-options.js';

/** `tenancy check`: lint the live database; exit 1 when any finding is an error. */
export async function checkCommand(args: string[], io: CliIo, debug: boolean): Promise<ExitCode> {
  const values = parse('check', () =>
    parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        config: { type: 'string', short: 'c' },
        'database-url': { type: 'string', short: 'd' },
        format: { type: 'string', short: 'f' },
        'login-role': { type: 'string' },
        'skip-drift': { type: 'boolean' },
        debug: { type: 'boolean' },
      },
    }),
  );
  const format = oneOf('check', '--format', values.format, ['text', 'json'] as const, 'text');
  const url = databaseUrl(values['database-url'], io, 'check');
  const config = await loadConfig(values.config, { cwd: io.cwd });
  const { dialect, lint } = await dialectTools(config);
  const report = await withDatabase(url, debug, io, (sql) =>
    lint({
      sql,
      config,
      loginRole: values['login-role'],
      drift: values['skip-drift'] !== true,
      script: generateSql(config, { dialect }),
    }),
  );
  io.stdout(formatLintReport(report, format));
  return report.errorCount > 0 ? EXIT_CODES.FINDINGS : EXIT_CODES.OK;
}
