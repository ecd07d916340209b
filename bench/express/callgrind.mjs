#!/usr/bin/env node
// Instructions per request of the Express benchmark's servers (serve.ts), counted by callgrind on the server's main
// thread: deterministic where requests per second on a small shared machine are not. Each variant's server runs
// under valgrind, answers WARMUP requests (V8 compiles meanwhile), then the counters are zeroed and REQUESTS more are
// counted. Prints instructions per request with and without garbage collection; the profiles (with a perf map for
// the JIT's function names) stay in the printed folder.
//   pnpm build && DATABASE_URL=postgres://... node bench/express/callgrind.mjs [variant ...]   (needs valgrind)
// Env: WARMUP (default 3000), REQUESTS (default 2000), NODE_FLAGS (for the server's node, e.g. --no-turbo-inlining).
// Variants as in run.mjs; default unscoped and scoped.
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { cannon, outputMatch, serveScript, stop, tsconfig, tsxLoader, withBenchDatabase } from './harness.mjs';

const WARMUP = Number(process.env.WARMUP ?? 3000);
const REQUESTS = Number(process.env.REQUESTS ?? 2000);
const totals = new URL('../wrapper/callgrind-total.mjs', import.meta.url).pathname;
const dir = mkdtempSync(join(os.tmpdir(), 'tenancy-express-callgrind-'));

const cannonN = (port, headers, amount) => cannon(port, headers, { connections: 50, amount, timeout: 60 });

await withBenchDatabase(async ({ variants }) => {
  const names = process.argv.slice(2);
  for (const name of names.length > 0 ? names : ['unscoped', 'scoped']) {
    const { args, headers } = variants[name];
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
        // e.g. --no-turbo-inlining, to charge each function its own cost instead of its optimized caller's.
        ...(process.env.NODE_FLAGS ?? '').split(' ').filter(Boolean),
        '--import',
        tsxLoader,
        serveScript,
        ...args,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TSX_TSCONFIG_PATH: tsconfig } },
    );
    let log = '';
    child.stderr.on('data', (chunk) => {
      log += chunk.toString();
    });
    const [, port] = await outputMatch(child, /READY (\d+) CPU (\d+)/);
    const warm = await cannonN(Number(port), headers, WARMUP);
    execFileSync('callgrind_control', ['-z', String(child.pid)], { stdio: 'ignore' });
    const result = await cannonN(Number(port), headers, REQUESTS);
    await stop(child);
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
});
