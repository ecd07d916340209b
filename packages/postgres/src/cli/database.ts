import postgres from 'postgres';
import type { CliIo } from './cli-io.js';
import { UsageError } from './cli-io.js';

/** `--database-url`, else `$DATABASE_URL`; a usage error when neither is set. */
export function databaseUrl(option: string | undefined, io: CliIo, command: string): string {
  const url = option ?? io.env['DATABASE_URL'];
  if (url === undefined || url === '') {
    throw new UsageError('no database: pass --database-url <url> or set DATABASE_URL', command);
  }
  return url;
}

/** The URL without its password (and query string), safe to print in logs and CI output. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    const user = u.username === '' ? '' : `${decodeURIComponent(u.username)}@`;
    return `${u.protocol}//${user}${u.host}${u.pathname}`;
  } catch {
    return '(unparseable database url)';
  }
}

/** Opens one connection for the command and always closes it. */
export async function withDatabase<T>(
  url: string,
  debug: boolean,
  io: CliIo,
  fn: (sql: postgres.Sql) => Promise<T>,
): Promise<T> {
  const sql = postgres(url, {
    max: 1,
    connect_timeout: 10,
    // NOTICEs (e.g. "policy does not exist, skipping" on a first apply) are noise unless debugging.
    onnotice: (notice) => {
      if (debug) io.stderr(`notice: ${String(notice['message'])}\n`);
    },
  });
  try {
    return await fn(sql);
  } finally {
    await sql.end({ timeout: 5 });
  }
}
