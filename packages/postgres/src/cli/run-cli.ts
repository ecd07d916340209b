import { isTenancyError } from '@tenancy/core';
import { GENERATOR_VERSION } from '../generate/generator-version.js';
import { applyCommand } from './apply-command.js';
import { checkCommand } from './check-command.js';
import type { CliIo } from './cli-io.js';
import { processIo, UsageError } from './cli-io.js';
import { diffCommand } from './diff-command.js';
import type { ExitCode } from './exit-codes.js';
import { EXIT_CODES } from './exit-codes.js';
import { generateCommand } from './generate-command.js';
import { COMMAND_HELP, MAIN_HELP } from './help-text.js';

type Command = (args: string[], io: CliIo, debug: boolean) => Promise<ExitCode>;

const COMMANDS: Readonly<Record<string, Command>> = {
  generate: (args, io) => generateCommand(args, io),
  apply: applyCommand,
  check: checkCommand,
  diff: diffCommand,
};

// postgres.js connection failures carry a Node or driver code rather than a SQLSTATE.
const CONNECTION_CODES =
  /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|CONNECT_TIMEOUT|CONNECTION_\w+|SASL_\w+|AUTH_TYPE_NOT_IMPLEMENTED)$/;

function isDatabaseError(error: unknown): boolean {
  if (isTenancyError(error, 'DATABASE_ERROR')) return true;
  if (typeof error !== 'object' || error === null) return false;
  const { name, code } = error as { name?: unknown; code?: unknown };
  return name === 'PostgresError' || (typeof code === 'string' && CONNECTION_CODES.test(code));
}

function describeDatabaseError(error: unknown): string {
  const e = error as { message?: string; code?: string; detail?: string; hint?: string; name?: string };
  const lines = [`database error${e.name === 'PostgresError' && e.code ? ` (SQLSTATE ${e.code})` : ''}: ${e.message}`];
  if (e.detail) lines.push(`  detail: ${e.detail}`);
  if (e.hint) lines.push(`  hint: ${e.hint}`);
  return lines.join('\n');
}

/**
 * Runs the `tenancy` CLI with the given arguments and returns its exit code (the bin sets `process.exitCode`).
 * @example
 * const code = await runCli(['generate', '--config', 'tenancy.config.json', '--out', 'tenancy.sql']);
 * @see https://github.com/tenancy/tenancy/blob/main/docs/cli.md
 */
export async function runCli(argv: readonly string[], io: CliIo = processIo()): Promise<ExitCode> {
  const debug = argv.includes('--debug');
  const [name, ...rest] = argv;
  try {
    if (name === '--version' || name === '-v') {
      io.stdout(`${GENERATOR_VERSION}\n`);
      return EXIT_CODES.OK;
    }
    if (name === undefined || name === '--help' || name === '-h' || (name === 'help' && rest[0] === undefined)) {
      (name === undefined ? io.stderr : io.stdout)(`${MAIN_HELP}\n`);
      return name === undefined ? EXIT_CODES.USAGE : EXIT_CODES.OK;
    }
    if (name === 'help') {
      const help = COMMAND_HELP[rest[0] ?? ''];
      if (help === undefined) throw new UsageError(`unknown command "${rest[0]}"`);
      io.stdout(`${help}\n`);
      return EXIT_CODES.OK;
    }
    const command = COMMANDS[name];
    if (command === undefined) throw new UsageError(`unknown command "${name}"`);
    if (rest.includes('--help') || rest.includes('-h')) {
      io.stdout(`${COMMAND_HELP[name]}\n`);
      return EXIT_CODES.OK;
    }
    return await command(rest, io, debug);
  } catch (error) {
    const prefix = COMMANDS[name ?? ''] === undefined ? 'tenancy' : `tenancy ${name}`;
    const stack = debug && error instanceof Error && error.stack ? `\n${error.stack}` : '';
    if (error instanceof UsageError) {
      const help = error.command === undefined ? 'tenancy --help' : `tenancy ${error.command} --help`;
      io.stderr(`${prefix}: ${error.message}\nRun \`${help}\` for usage.${stack}\n`);
      return EXIT_CODES.USAGE;
    }
    if (isTenancyError(error, 'INVALID_CONFIG')) {
      io.stderr(`${prefix}: ${error.message}${stack}\n`);
      return EXIT_CODES.USAGE;
    }
    if (isDatabaseError(error)) {
      const rolledBack = name === 'apply' ? '\nNothing was changed: the transaction was rolled back.' : '';
      io.stderr(`${prefix}: ${describeDatabaseError(error)}${rolledBack}${stack}\n`);
      return EXIT_CODES.DATABASE;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`${prefix}: unexpected error: ${message}${stack || '\nRerun with --debug for the stack trace.'}\n`);
    return EXIT_CODES.INTERNAL;
  }
}
