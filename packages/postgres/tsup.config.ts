import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', schema: 'src/schema.ts', testing: 'src/testing.ts', cli: 'src/cli.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node22',
  splitting: true,
  treeshake: true,
  // `import.meta.url` in the CJS build (the CLI's "was I executed?" check and the harness use it).
  shims: true,
  // The `tenancy` bin is dist/cli.js. Its shebang is the first line of src/cli.ts, which esbuild keeps at the top
  // of that entry only; a `banner` would put it on every file and chunk of the library too.
});
