#!/usr/bin/env node
// Instructions per request of the Express benchmark's servers (serve.ts), counted by callgrind on the server's main
// thread: deterministic where requests per second on a small shared machine are not. Each variant's server runs
// under valgrind, answers WARMUP requests (V8 compiles meanwhile), then the counters are zeroed and REQUESTS more are
// counted. Prints instructions per request with and without garbage collection; the profiles (with a perf map for
// the JIT's function names) stay in the printed folder.
//   pnpm build && DATABASE_URL=postgres://... node bench/express/callgrind.mjs [variant ...]   (needs valgrind)
// Env: WARMUP (default 3000), REQUESTS (default 2000). Variants as in run.mjs; default unscoped and scoped.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { join } from 'node:path';
import { startPostgres, withDatabase } from '@tenancy/postgres/testing';
import autocannon from 'autocannon';
import postgres from 'postgres';

const WARMUP = Number(process.env.WARMUP ?? 3000);
const REQUESTS = Number(process.env.REQUESTS ?? 2000);
const example = new URL('../../examples/express-api/', import.meta.url);
const tsx = createRequire(new URL('package.json', example)).resolve('tsx');
const tsxCli = createRequire(new URL('package.json', example)).resolve('tsx/cli');
const serveScript = new URL('serve.ts', import.meta.url).pathname;
const tsconfig = new URL('tsconfig.json', example).pathname;
const totals = new URL('../wrapper/callgrind-total.mjs', import.meta.url).pathname;
const dir = mkdtempSync(join(os.tmpdir(), 'tenancy-express-callgrind-'));

function waitFor(child, pattern) {
  let out = '';
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      out += chunk.toString();
      const match = pattern.exec(out);
      if (match) resolve(match);
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${out}`)));
  });
}

const cannon = (port, headers, amount) =>
  new Promise((resolve, reject) =>
    autocannon(
      { url: `http://127.0.0.1:${port}/projects?limit=20`, headers, connections: 50, amount, timeout: 60 },
      (error, result) => (error ? reject(error) : resolve(result)),
    ),
  );

const server = await startPostgres({ preferEmbedded: true, log: (m) => process.stderr.write(`${m}\n`) });
const database = `tenancy_bench_express_${randomBytes(3).toString('hex')}`;
const maintenance = postgres(server.url, { max: 1, onnotice: () => {} });
await maintenance.unsafe(`create database ${database}`);
const adminUrl = withDatabase(server.url, database);
try {
  const setup = spawn(process.execPath, [tsxCli, '--tsconfig', tsconfig, serveScript, 'setup', adminUrl], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const facts = JSON.parse((await waitFor(setup, /^(\{.*\})$/m))[1]);
  await new Promise((resolve) => setup.once('exit', resolve));
  const scopedHeaders = { host: 'acme.localhost', authorization: `Bearer ${facts.token}` };
  const variants = {
    unscoped: [['unscoped', adminUrl, facts.tenantId], {}],
    scoped: [['scoped', facts.loginUrl], scopedHeaders],
    tenancy: [['tenancy', facts.loginUrl], scopedHeaders],
    middleware: [['middleware', adminUrl, facts.loginUrl], scopedHeaders],
    database: [['database', facts.loginUrl, facts.tenantId], {}],
  };
  const names = process.argv.slice(2);
  for (const name of names.length > 0 ? names : ['unscoped', 'scoped']) {
    const [args, headers] = variants[name];
    const out = join(dir, name);
    // tsx as a loader in the server's own process (its CLI would run the server in a child).
    const child = spawn(
      'valgrind',
      [
        '--tool=callgrind',
        '--separate-threads=yes',
        `--callgrind-out-file=${out}.cg`,
        process.execPath,
        '--perf-basic-prof',
        '--import',
        tsx,
        serveScript,
        ...args,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TSX_TSCONFIG_PATH: tsconfig } },
    );
    let log = '';
    child.stderr.on('data', (chunk) => {
      log += chunk.toString();
    });
    const [, port] = await waitFor(child, /READY (\d+) CPU (\d+)/);
    const warm = await cannon(Number(port), headers, WARMUP);
    execFileSync('callgrind_control', ['-z', String(child.pid)], { stdio: 'ignore' });
    const result = await cannon(Number(port), headers, REQUESTS);
    await new Promise((resolve) => {
      child.removeAllListeners('exit');
      child.once('exit', resolve);
      child.kill('SIGTERM');
    });
    if (existsSync(`/tmp/perf-${child.pid}.map`)) copyFileSync(`/tmp/perf-${child.pid}.map`, `${out}.map`);
    const answered = result.requests.total;
    const bad = warm.non2xx + result.non2xx + result.errors;
    const line = execFileSync(process.execPath, [totals, `${out}.cg-01`, String(answered)])
      .toString()
      .trim();
    console.log(`${name.padEnd(10)} ${line}  (${answered} requests counted${bad > 0 ? `, ${bad} failed` : ''})`);
    if (!existsSync(`${out}.cg-01`)) console.log(log);
  }
  console.log(`profiles in ${dir}`);
} finally {
  await maintenance.unsafe(`drop database if exists ${database} with (force)`);
  await maintenance.end();
  await server.stop();
}
