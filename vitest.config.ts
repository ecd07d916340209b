import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (p: string) => fileURLToPath(new URL(`./packages/${p}`, import.meta.url));

// Tests import the packages by their public names; inside the repo those names point at the sources so a test
// never runs against a stale build. Longer keys first: a subpath must win over its package root.
const alias = [
  { find: '@tenancy/postgres/schema', replacement: src('postgres/src/schema.ts') },
  { find: '@tenancy/postgres/testing', replacement: src('postgres/src/testing.ts') },
  { find: '@tenancy/postgres/cli', replacement: src('postgres/src/cli.ts') },
  { find: '@tenancy/supabase/sql', replacement: src('supabase/src/sql.ts') },
  { find: '@tenancy/next/server', replacement: src('next/src/server.ts') },
  { find: '@tenancy/next/client', replacement: src('next/src/client.ts') },
  { find: '@tenancy/next/proxy', replacement: src('next/src/proxy.ts') },
  { find: /^@tenancy\/(core|postgres|express|next|supabase)$/, replacement: src('$1/src/index.ts') },
];

export default defineConfig({
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts', 'examples/*/src/**/*.test.ts'],
          exclude: ['**/*.pg.test.ts', '**/node_modules/**'],
          typecheck: { enabled: true, include: ['packages/*/src/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'pg',
          globalSetup: ['./scripts/vitest-pg-setup.ts'],
          include: ['packages/*/src/**/*.pg.test.ts', 'examples/*/src/**/*.pg.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
