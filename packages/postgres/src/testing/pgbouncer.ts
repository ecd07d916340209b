import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** Options for {@link startPgBouncer}. */
export interface StartPgBouncerOptions {
  /** The PostgreSQL server to pool: a connection URL; its user and database become the proxied URL's. */
  target: string;
  /** Pool mode. Default `transaction`: a server connection belongs to a client only for one transaction. */
  poolMode?: 'session' | 'transaction' | 'statement' | undefined;
  /** Server connections per user and database. Default 2. With 1, every transaction runs on the same backend. */
  defaultPoolSize?: number | undefined;
  /**
   * Prepared statements PgBouncer tracks per server connection (PgBouncer 1.21 or later; ignored before, where
   * named prepared statements do not survive transaction pooling). Default 0: off, as PgBouncer ships.
   */
  maxPreparedStatements?: number | undefined;
  /** More login roles allowed through (trust auth still needs each user listed). The target's user always is. */
  users?: readonly string[] | undefined;
  /** The pgbouncer binary. Default `/usr/sbin/pgbouncer` (the Debian package). */
  binary?: string | undefined;
}

/** A running PgBouncer in front of the target server. */
export interface PgBouncer {
  /** The target URL with PgBouncer's host and port. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** e.g. `1.18.0`. */
  readonly version: string;
  /** True when this PgBouncer tracks named prepared statements in transaction mode (1.21+, and enabled). */
  readonly supportsPreparedStatements: boolean;
  /** Stops PgBouncer and removes its files. */
  stop(): Promise<void>;
}

const DEFAULT_BINARY = '/usr/sbin/pgbouncer';
const run = promisify(execFile);

/**
 * The installed PgBouncer's version (`1.18.0`). Throws a message that says how to install it when it is missing:
 * the transaction-pooling tests must fail, not skip, on a machine without it.
 * @example
 * const version = await pgBouncerVersion(); // '1.18.0'
 */
export async function pgBouncerVersion(binary: string = DEFAULT_BINARY): Promise<string> {
  if (!existsSync(binary)) {
    throw new Error(
      `PgBouncer is not installed (${binary} is missing). Install the Debian package: apt-get install pgbouncer ` +
        '(.ci/run does this). The transaction-pooling tests need a real PgBouncer.',
    );
  }
  const { stdout } = await run(binary, ['--version']);
  const match = /PgBouncer\s+(\d+\.\d+(?:\.\d+)?)/i.exec(stdout);
  if (!match?.[1]) throw new Error(`Could not read the PgBouncer version from: ${stdout.split('\n')[0] ?? ''}`);
  return match[1];
}

/** True when `version` is at least `major.minor`. */
export function versionAtLeast(version: string, major: number, minor: number): boolean {
  const [a = 0, b = 0] = version.split('.').map(Number);
  return a > major || (a === major && b >= minor);
}

/**
 * Starts PgBouncer (the Debian package's binary) on a free port in front of `target`, with a generated ini and
 * userlist in a temporary directory, trust auth, and transaction pooling by default. Run as root, it drops to the
 * `postgres` user (PgBouncer refuses to run as root).
 * @example
 * const bouncer = await startPgBouncer({ target: db.url, users: [loginRole] });
 * const sql = postgres(bouncer.url, { prepare: false });
 * // ...
 * await bouncer.stop();
 * @see https://github.com/tenancy/tenancy/blob/main/docs/drizzle.md#pgbouncer-and-supavisor
 */
export async function startPgBouncer(options: StartPgBouncerOptions): Promise<PgBouncer> {
  const binary = options.binary ?? DEFAULT_BINARY;
  const version = await pgBouncerVersion(binary);
  const target = new URL(options.target);
  const targetUser = decodeURIComponent(target.username) || 'postgres';
  const users = [...new Set([targetUser, ...(options.users ?? [])])];
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'tenancy-pgbouncer-'));
  const prepared = versionAtLeast(version, 1, 21) && (options.maxPreparedStatements ?? 0) > 0;

  const ini = [
    '[databases]',
    `* = host=${target.hostname || '127.0.0.1'} port=${target.port || '5432'}`,
    '',
    '[pgbouncer]',
    'listen_addr = 127.0.0.1',
    `listen_port = ${port}`,
    'unix_socket_dir =',
    'auth_type = trust',
    `auth_file = ${join(dir, 'userlist.txt')}`,
    `pool_mode = ${options.poolMode ?? 'transaction'}`,
    `default_pool_size = ${options.defaultPoolSize ?? 2}`,
    'max_client_conn = 500',
    'ignore_startup_parameters = extra_float_digits,options',
    ...(prepared ? [`max_prepared_statements = ${options.maxPreparedStatements}`] : []),
    '',
  ].join('\n');
  // With trust auth PgBouncer asks clients for nothing, but logs in to the server with the userlist's password: the
  // target's own password (an embedded server wants one), empty for the others.
  const targetPassword = decodeURIComponent(target.password);
  const quote = (value: string) => `"${value.replaceAll('"', '""')}"`;
  const userlist = `${users.map((u) => `${quote(u)} ${quote(u === targetUser ? targetPassword : '')}`).join('\n')}\n`;
  await writeFile(join(dir, 'pgbouncer.ini'), ini);
  await writeFile(join(dir, 'userlist.txt'), userlist);
  // Readable by the user PgBouncer drops to.
  await chmod(dir, 0o755);

  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const args = [...(asRoot ? ['-u', 'postgres'] : []), join(dir, 'pgbouncer.ini')];
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  // A crashed test run must not leave PgBouncer behind.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  try {
    await waitForPort(port, child, () => output);
  } catch (error) {
    process.off('exit', killOnExit);
    child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
    throw error;
  }

  const url = new URL(options.target);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  return {
    url: url.toString(),
    host: '127.0.0.1',
    port,
    version,
    supportsPreparedStatements: prepared,
    async stop() {
      process.off('exit', killOnExit);
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        // SIGINT: immediate shutdown, clients are disconnected.
        child.kill('SIGINT');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`PgBouncer exited (${child.exitCode ?? child.signalCode}) before listening:\n${output()}`);
    }
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`PgBouncer did not listen on port ${port} within 15 s:\n${output()}`);
}
