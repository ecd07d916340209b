// The real server process, as `pnpm start` runs it: on a test database (DATABASE_URL) and on an embedded PostgreSQL
// (no DATABASE_URL, the fresh-clone path). The commands it prints are parsed from its output and run with curl; the
// README must list the same commands.
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { TestDatabase } from '@tenancy/postgres/testing';
import { createTestDatabase } from '@tenancy/postgres/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropRoles } from './testing/test-app.js';

const exampleDir = fileURLToPath(new URL('..', import.meta.url));
const tsxCli = createRequire(import.meta.url).resolve('tsx/cli');
// The packages from their sources, like every other test here: a stale build can neither hide nor invent a failure.
const sourcesTsconfig = fileURLToPath(new URL('../../../tsconfig.base.json', import.meta.url));

/** The server's printed block, parsed: shell variables, and each command with the status its comment promises. */
interface PrintedCommands {
  readonly port: number;
  readonly variables: Record<string, string>;
  readonly commands: Array<{ title: string; expectStatus: number; command: string }>;
}

function parsePrinted(output: string): PrintedCommands {
  const variables: Record<string, string> = {};
  const commands: PrintedCommands['commands'] = [];
  const lines = output.split('\n');
  lines.forEach((line, i) => {
    const exported = /^export ([A-Z_]+)='([^']*)'$/.exec(line);
    if (exported?.[1] !== undefined && exported[2] !== undefined) variables[exported[1]] = exported[2];
    const title = /^# (.+) -> (\d{3})$/.exec(line);
    const next = lines[i + 1];
    if (title?.[1] !== undefined && title[2] !== undefined && next?.startsWith('curl ')) {
      commands.push({ title: title[1], expectStatus: Number(title[2]), command: next });
    }
  });
  const port = Number(/listening on http:\/\/localhost:(\d+)/.exec(output)?.[1]);
  return { port, variables, commands };
}

interface RunningServer {
  readonly child: ChildProcessWithoutNullStreams;
  readonly output: () => string;
  readonly printed: PrintedCommands;
  stop(): Promise<number | null>;
}

async function startServer(env: NodeJS.ProcessEnv): Promise<RunningServer> {
  const child = spawn(process.execPath, [tsxCli, '--tsconfig', sourcesTsconfig, 'src/server.ts'], {
    cwd: exampleDir,
    env,
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (output.includes('Ctrl-C stops')) {
        clearInterval(timer);
        resolve();
      }
    }, 100);
    void exited.then((code) => {
      clearInterval(timer);
      reject(new Error(`the server exited with ${code} before it was ready:\n${output}`));
    });
  });
  return {
    child,
    output: () => output,
    printed: parsePrinted(output),
    stop: async () => {
      child.kill('SIGINT');
      return exited;
    },
  };
}

// Runs a printed command exactly as a reader would paste it, with curl, and reports the HTTP status.
function runCurl(command: string, variables: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'sh',
      ['-c', `${command} -o /dev/null -w '%{http_code}'`],
      { env: { ...process.env, ...variables }, timeout: 15_000 },
      (error, stdout) => (error ? reject(error) : resolve(stdout)),
    );
  });
}

/** The commands of the README's "try it" block (port 3000). */
function readmeCommands(): string[] {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const block = readme.slice(readme.indexOf('<!-- try-it:start'), readme.indexOf('<!-- try-it:end -->'));
  return block.split('\n').filter((line) => line.startsWith('curl '));
}

describe('the server on DATABASE_URL', () => {
  let db: TestDatabase;
  let server: RunningServer;
  const roles = { app: '', platform: '' };

  beforeAll(async () => {
    db = await createTestDatabase();
    roles.app = `example_app_${db.suffix}`;
    roles.platform = `example_platform_${db.suffix}`;
    server = await startServer({
      PATH: process.env['PATH'],
      DATABASE_URL: db.url,
      PORT: '0',
      TENANCY_APP_ROLE: roles.app,
      TENANCY_PLATFORM_ROLE: roles.platform,
    });
  });
  afterAll(async () => {
    await server?.stop();
    await db?.drop();
    if (db !== undefined) await dropRoles(db.url, [`${roles.app}_login`, roles.app, roles.platform]);
  });

  it('warns about the development secret and says which role it connects as', () => {
    expect(server.output()).toContain('warning: JWT_SECRET is not set');
    expect(server.output()).toContain(`the app connects as ${roles.app}_login (no superuser, no BYPASSRLS)`);
  });

  it('prints commands whose curl runs answer with the status each one promises', async () => {
    const { commands, variables } = server.printed;
    expect(commands.length).toBeGreaterThanOrEqual(12);
    expect(Object.keys(variables).sort()).toEqual(
      ['ACME_PROJECT', 'ACME_WORKSPACE', 'ADA', 'GLOBEX_PROJECT', 'GRACE', 'OPS', 'VIC'].sort(),
    );
    const results: Array<[string, number]> = [];
    for (const { title, command } of commands) results.push([title, Number(await runCurl(command, variables))]);
    expect(results).toEqual(commands.map(({ title, expectStatus }) => [title, expectStatus]));
  });

  it('prints the commands the README lists, word for word', () => {
    const printed = server.printed.commands.map(({ command }) =>
      command.replaceAll(`:${server.printed.port}/`, ':3000/'),
    );
    expect(readmeCommands()).toEqual(printed);
  });

  it('stops on Ctrl-C with exit code 0', async () => {
    expect(await server.stop()).toBe(0);
  });
});

describe('the server without DATABASE_URL', () => {
  it('starts an embedded PostgreSQL, serves the demo, and removes it on Ctrl-C', async () => {
    const env: NodeJS.ProcessEnv = { PATH: process.env['PATH'], PORT: '0', HOME: process.env['HOME'] };
    const server = await startServer(env);
    let dataDir: string | undefined;
    try {
      expect(server.output()).toContain('database: embedded PostgreSQL');
      // The temporary directory holding the data directory.
      dataDir = /embedded PostgreSQL on port \d+ in (\S+)\/data/.exec(server.output())?.[1];
      expect(dataDir).toMatch(/tenancy-pg-/);
      expect(existsSync(dataDir ?? '')).toBe(true);
      const { commands, variables } = server.printed;
      const [signIn, list] = commands;
      expect([signIn?.title, list?.title]).toEqual([
        "Sign in as Ada on acme's host: a token for acme",
        "Ada lists acme's projects",
      ]);
      expect(await runCurl(signIn?.command ?? '', variables)).toBe('200');
      expect(await runCurl(list?.command ?? '', variables)).toBe('200');
    } finally {
      expect(await server.stop()).toBe(0);
    }
    expect(server.output()).toContain('SIGINT: stopping');
    expect(existsSync(dataDir ?? '')).toBe(false);
  }, 180_000);
});
