// Runs every benchmark (against the built packages and $DATABASE_URL) and writes docs/benchmarks.md from the results.
// Usage: pnpm bench                 all of them (the database ones load 1M and 10M rows: several minutes each)
//        pnpm bench -- --only resolve,permissions
//        pnpm bench -- --render      only re-render docs/benchmarks.md from bench/results/*.json
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderBenchmarks } from './render.mjs';

const BENCHMARKS = [
  { name: 'permissions', script: 'permissions.bench.mjs' },
  { name: 'resolve', script: 'resolve.bench.mjs' },
  { name: 'rls', script: 'rls/run.mjs', database: true },
  { name: 'protocol', script: 'protocol/run.mjs', database: true },
  { name: 'wrapper', script: 'wrapper/run.mjs', database: true },
  { name: 'express', script: 'express/run.mjs', database: true },
  { name: 'express', script: 'express/run.mjs', args: ['--async-context-frame'], database: true },
  { name: 'express-interleaved', script: 'express/interleaved.mjs', database: true },
  {
    name: 'express-interleaved',
    script: 'express/interleaved.mjs',
    args: ['--async-context-frame'],
    database: true,
  },
];

const args = process.argv.slice(2);
const onlyArg = args.find((a) => a.startsWith('--only'));
const only = onlyArg ? (onlyArg.split('=')[1] ?? args[args.indexOf(onlyArg) + 1] ?? '').split(',') : undefined;

if (!args.includes('--render')) {
  process.env.DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/postgres';
  for (const bench of BENCHMARKS) {
    if (only !== undefined && !only.includes(bench.name)) continue;
    const script = fileURLToPath(new URL(`./${bench.script}`, import.meta.url));
    if (!existsSync(script)) {
      console.error(`bench: ${bench.script} is missing`);
      process.exitCode = 1;
      continue;
    }
    console.log(`\n=== ${bench.name} (${bench.script})`);
    const run = spawnSync(process.execPath, [script, ...(bench.args ?? [])], { stdio: 'inherit', env: process.env });
    if (run.status !== 0) {
      console.error(`bench: ${bench.name} failed with exit code ${run.status}`);
      process.exitCode = 1;
    }
  }
}
const written = renderBenchmarks();
console.log(`\nwrote ${written}`);
