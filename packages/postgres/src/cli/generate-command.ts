import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/load-config.js';
import { generateDrizzleModule } from '../drizzle/generate-drizzle-module.js';
import { generateSql } from '../generate/generate-sql.js';
import type { CliIo } from './cli-io.js';
import { UsageError } from './cli-io.js';
import { dialectTools } from './dialect-tools.js';
import type { ExitCode } from './exit-codes.js';
import { EXIT_CODES } from './exit-codes.js';
import { oneOf, parse } from './parse-options.js';

/** `tenancy generate`: the SQL (or Drizzle module) for the config, to stdout or a file. */
export async function generateCommand(args: string[], io: CliIo): Promise<ExitCode> {
  const values = parse('generate', () =>
    parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        config: { type: 'string', short: 'c' },
        out: { type: 'string', short: 'o' },
        format: { type: 'string', short: 'f' },
        only: { type: 'string' },
        check: { type: 'boolean' },
        debug: { type: 'boolean' },
      },
    }),
  );
  const format = oneOf('generate', '--format', values.format, ['sql', 'drizzle'] as const, 'sql');
  const only = oneOf('generate', '--only', values.only, ['all', 'support', 'prelude'] as const, 'all');
  if (format === 'drizzle' && only !== 'all') {
    throw new UsageError('--only applies to --format sql; the Drizzle module holds only policies', 'generate');
  }
  if (values.check === true && values.out === undefined) {
    throw new UsageError('--check compares with the file given by --out', 'generate');
  }
  const config = await loadConfig(values.config, { cwd: io.cwd });
  const output =
    format === 'drizzle'
      ? generateDrizzleModule(config)
      : generateSql(config, { only, dialect: (await dialectTools(config)).dialect });

  if (values.out === undefined) {
    io.stdout(output);
    return EXIT_CODES.OK;
  }
  const file = resolve(io.cwd, values.out);
  if (values.check === true) {
    const current = await readFile(file, 'utf8').catch(() => undefined);
    if (current === output) {
      io.stderr(`tenancy generate: ${values.out} is up to date.\n`);
      return EXIT_CODES.OK;
    }
    io.stderr(staleReport(values.out, current, output));
    return EXIT_CODES.FINDINGS;
  }
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, output);
  io.stderr(`tenancy generate: wrote ${values.out} (${output.split('\n').length - 1} lines) from ${config.source}.\n`);
  return EXIT_CODES.OK;
}

// Enough to see what changed without a diff tool: the first differing lines, with their numbers.
function staleReport(path: string, current: string | undefined, expected: string): string {
  if (current === undefined) return `tenancy generate: ${path} does not exist; run without --check to write it.\n`;
  const have = current.split('\n');
  const want = expected.split('\n');
  const out = [`tenancy generate: ${path} differs from what the generator writes now:`];
  let shown = 0;
  for (let i = 0; i < Math.max(have.length, want.length) && shown < 10; i++) {
    if (have[i] === want[i]) continue;
    out.push(`  line ${i + 1}:`);
    if (have[i] !== undefined) out.push(`    - ${have[i]}`);
    if (want[i] !== undefined) out.push(`    + ${want[i]}`);
    shown++;
  }
  out.push('Regenerate it: run the same command without --check, and commit the result.');
  return `${out.join('\n')}\n`;
}
