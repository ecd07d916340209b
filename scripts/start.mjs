#!/usr/bin/env node
// `pnpm start` at the root: runs the Express example (examples/express-api). The example imports the packages through
// their builds, so the packages it uses are built first when a build is missing or older than its sources. Then
// `pnpm start` in the example: DATABASE_URL if set, else an embedded PostgreSQL, and the commands to try it.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const example = join(root, 'examples', 'express-api');
const packages = ['core', 'postgres', 'express'];
// The entry points the example loads (its imports and the subpaths it uses).
const entries = {
  core: ['index.js'],
  postgres: ['index.js', 'schema.js', 'testing.js'],
  express: ['index.js'],
};

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function needsBuild(name) {
  const dist = join(root, 'packages', name, 'dist');
  const files = entries[name].map((file) => join(dist, file));
  if (!files.every((file) => existsSync(file))) return 'missing';
  const built = Math.min(...files.map((file) => statSync(file).mtimeMs));
  return newestMtime(join(root, 'packages', name, 'src')) > built ? 'older than its sources' : undefined;
}

const stale = packages.map((name) => [name, needsBuild(name)]).filter(([, reason]) => reason !== undefined);
if (stale.length > 0) {
  process.stdout.write(`Building ${stale.map(([name, reason]) => `@tenancy/${name} (${reason})`).join(', ')}...\n`);
  const filters = packages.flatMap((name) => ['--filter', `@tenancy/${name}`]);
  const build = spawnSync('pnpm', [...filters, 'run', 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  if (build.status !== 0) {
    process.stderr.write('The build failed; run `pnpm build` to see why.\n');
    process.exit(build.status ?? 1);
  }
}

// What the example's own `pnpm start` runs (`tsx src/server.ts`), without a second pnpm in between: pnpm reports a
// process that Ctrl-C stopped as a failed command, even when it shut down cleanly.
const tsxCli = createRequire(join(example, 'package.json')).resolve('tsx/cli');
const child = spawn(process.execPath, [tsxCli, 'src/server.ts'], { cwd: example, stdio: 'inherit' });
// Ctrl-C reaches the whole process group, the example included, which shuts down on its own (server, pools, embedded
// database); a signal sent to this process alone is passed on (the example ignores repeats). Either way this process
// waits for the example to exit, so the prompt comes back after the cleanup, not before.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal === null ? 1 : 128)));
