import { defineConfig } from 'tsup';

const shared = {
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  target: 'node22',
  treeshake: true,
} as const;

// Both builds write into one dist/ in parallel, so neither cleans it: the build script empties it first.
export default defineConfig([
  {
    ...shared,
    entry: { index: 'src/index.ts', server: 'src/server.ts', proxy: 'src/proxy.ts' },
    clean: false,
    splitting: true,
  },
  // The client entry is built on its own: no chunk shared with server code can end up in a client bundle, and the
  // banner restores the 'use client' directive that bundling strips (Next needs it as the file's first statement).
  {
    ...shared,
    entry: { client: 'src/client.ts' },
    clean: false,
    splitting: false,
    // tsup's rollup tree-shaking pass drops banners; the entry is two functions with nothing to shake.
    treeshake: false,
    banner: { js: "'use client';" },
  },
]);
