#!/usr/bin/env node
// Fails when the committed generated files under sql/ differ from what the generator writes now (CI runs it as
// `pnpm check:sql`). `--write` regenerates them instead. Runs the CLI from the sources through tsx, so a stale
// build can neither hide a change nor invent one.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const write = process.argv.includes('--write');
const outputs = [
  ['sql/tenancy.sql', []],
  ['sql/tenancy-policies.ts', ['--format', 'drizzle']],
];

let failed = false;
for (const [out, extra] of outputs) {
  const args = [
    '--import',
    'tsx',
    'packages/postgres/src/cli.ts',
    'generate',
    '--config',
    'sql/tenancy.config.json',
    '--out',
    out,
    ...extra,
    ...(write ? [] : ['--check']),
  ];
  // tsx resolves @tenancy/core through the package's tsconfig paths (to its sources), so no build is needed.
  const env = { ...process.env, TSX_TSCONFIG_PATH: 'packages/postgres/tsconfig.json' };
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit', env });
  if (result.status !== 0) failed = true;
}
if (failed && !write) {
  process.stderr.write(
    'check:sql: the generated SQL under sql/ is stale. Run `node scripts/check-sql.mjs --write` and commit.\n',
  );
}
process.exit(failed ? 1 : 0);
