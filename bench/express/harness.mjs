// What the Express benchmark scripts share (run.mjs, interleaved.mjs, profile.mjs, callgrind.mjs, ic-log.mjs,
// survivors.mjs): how a serve.ts process is started and stopped, and the benchmark's database with the variants'
// command lines and headers.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import os from 'node:os';
import { startPostgres, withDatabase } from '@tenancy/postgres/testing';
import autocannon from 'autocannon';
import postgres from 'postgres';

const example = new URL('../../examples/express-api/', import.meta.url);
const exampleRequire = createRequire(new URL('package.json', example));
/** tsx's CLI (runs a script in a child process) and its loader (for `node --import`, in the same process). */
export const tsxCli = exampleRequire.resolve('tsx/cli');
export const tsxLoader = exampleRequire.resolve('tsx');
export const serveScript = new URL('serve.ts', import.meta.url).pathname;
// The example's tsconfig resolves @tenancy/* through node_modules: the servers run on the packages' builds.
export const tsconfig = new URL('tsconfig.json', example).pathname;

/** Resolves with the first match of `pattern` in `child`'s output; rejects if it exits first. */
export function outputMatch(child, pattern) {
  let out = '';
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      out += chunk.toString();
      const match = pattern.exec(out);
      if (match) resolve(match);
    });
    child.once('exit', (code) => reject(new Error(`the server exited with ${code}:\n${out}`)));
  });
}

/** Runs serve.ts with `args` through tsx; resolves with the child and the first match of `pattern` in its output. */
export async function serve(args, pattern, env = process.env) {
  const child = spawn(process.execPath, [tsxCli, '--tsconfig', tsconfig, serveScript, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env,
  });
  return { child, match: await outputMatch(child, pattern) };
}

/** Stops a server and resolves once it has exited (profilers write their files on exit). */
export function stop(child) {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.once('exit', resolve);
    child.kill('SIGTERM');
  });
}

/**
 * Runs `fn` with a benchmark database of its own (on DATABASE_URL's server, else an embedded PostgreSQL), set up by
 * serve.ts (schema, RLS, login role, demo seed, bulk rows), and dropped afterwards. `fn` gets the server, a
 * maintenance connection, the setup's facts and each variant's serve.ts arguments and request headers.
 */
export async function withBenchDatabase(fn) {
  const server = await startPostgres({ preferEmbedded: true, log: (m) => process.stderr.write(`${m}\n`) });
  const database = `tenancy_bench_express_${randomBytes(3).toString('hex')}`;
  const maintenance = postgres(server.url, { max: 1, onnotice: () => {} });
  await maintenance.unsafe(`create database ${database}`);
  const adminUrl = withDatabase(server.url, database);
  try {
    process.stderr.write('setting up: schema, RLS, login role, demo and bulk rows...\n');
    const setup = await serve(['setup', adminUrl], /^(\{.*\})$/m);
    const facts = JSON.parse(setup.match[1]);
    await new Promise((resolve) => setup.child.once('exit', resolve));
    const scopedHeaders = { host: 'acme.localhost', authorization: `Bearer ${facts.token}` };
    const variants = {
      unscoped: { args: ['unscoped', adminUrl, facts.tenantId], headers: {} },
      scoped: { args: ['scoped', facts.loginUrl], headers: scopedHeaders },
      tenancy: { args: ['tenancy', facts.loginUrl], headers: scopedHeaders },
      middleware: { args: ['middleware', adminUrl, facts.loginUrl], headers: scopedHeaders },
      database: { args: ['database', facts.loginUrl, facts.tenantId], headers: {} },
    };
    return await fn({ server, maintenance, facts, variants });
  } finally {
    await maintenance.unsafe(`drop database if exists ${database} with (force)`);
    await maintenance.end();
    await server.stop();
  }
}

/** The request every Express benchmark sends: the example's read endpoint, one page of 20 projects. */
export const BENCH_PATH = '/projects?limit=20';

/** Runs autocannon against a server's BENCH_PATH; `options` are autocannon's (connections, duration or amount, ...). */
export function cannon(port, headers, options) {
  return new Promise((resolve, reject) => {
    autocannon({ url: `http://127.0.0.1:${port}${BENCH_PATH}`, headers, ...options }, (error, result) =>
      error ? reject(error) : resolve(result),
    );
  });
}

/** A serve.ts server's CPU time so far (µs: user, system) and its read/write system calls (Linux only). */
export async function serverUsage(cpuPort) {
  const response = await fetch(`http://127.0.0.1:${cpuPort}/`);
  return JSON.parse(await response.text());
}

/** The median of the finite numbers in `xs`, or null when there are none. */
export function median(xs) {
  const s = xs.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return null;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** `x` rounded to one decimal (null and undefined stay null). */
export const round1 = (x) => (x === null || x === undefined ? null : Math.round(x * 10) / 10);

/** The machine a result was recorded on, for the results file. */
export function machineFacts(facts, postgresSource, nodeOptions) {
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100),
    platform: `${os.platform()} ${os.release()}`,
    node: process.version,
    postgres: facts?.postgres ?? 'unknown',
    postgresSource,
    nodeOptions,
    note: 'autocannon, the servers and PostgreSQL share this machine, and other work may have been running on it (see loadAverage).',
  };
}

/**
 * The environment for the servers: with `asyncContextFrame`, Node 22's --experimental-async-context-frame (the default
 * from Node 24), which implements AsyncLocalStorage without promise hooks.
 */
export function serverEnvironment(asyncContextFrame) {
  return asyncContextFrame
    ? { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --experimental-async-context-frame`.trim() }
    : process.env;
}

/**
 * Runs serve.ts with `args` in one process (tsx as a loader, so signals reach the server), with `nodeArgs` for its
 * node and `env` added. Resolves once it listens, with the child, its port and `waitFor(text)`, which resolves once
 * the server has printed `text` on stderr.
 */
export async function serveInProcess(args, nodeArgs = [], env = {}) {
  const child = spawn(process.execPath, [...nodeArgs, '--import', tsxLoader, serveScript, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, TSX_TSCONFIG_PATH: tsconfig, ...env },
  });
  let log = '';
  child.stderr.on('data', (chunk) => {
    log += chunk.toString();
  });
  const [, port] = await outputMatch(child, /READY (\d+) CPU (\d+)/);
  const waitFor = async (text) => {
    while (!log.includes(text)) await new Promise((resolve) => setTimeout(resolve, 50));
  };
  return { child, port: Number(port), waitFor };
}

const profilerPreload = new URL('profiler-preload.mjs', import.meta.url).pathname;

/**
 * Runs serve.ts with `args` under a profiler of profiler-preload.mjs (`cpu` or `survivors`) that records only the
 * `measure` requests, after the `warmup` ones (both autocannon options), into `out`. Resolves with the measured
 * requests' autocannon result once the server has written the profile and stopped.
 */
export async function runProfiled(args, headers, { profiler, out, warmup, measure }) {
  const { child, port, waitFor } = await serveInProcess(args, ['--import', profilerPreload], {
    PROFILER: profiler,
    PROFILER_OUT: out,
  });
  try {
    await cannon(port, headers, warmup);
    child.kill('SIGUSR2');
    await waitFor('PROFILER STARTED');
    const result = await cannon(port, headers, measure);
    child.kill('SIGUSR2');
    await waitFor('PROFILER WRITTEN');
    return result;
  } finally {
    await stop(child);
  }
}
