#!/usr/bin/env node
// The `tenancy` bin (dist/cli.js; esbuild keeps the shebang above) and the `@tenancy/postgres/cli` entry.
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runCli } from './cli/run-cli.js';

export type { CliIo } from './cli/cli-io.js';
export type { ExitCode } from './cli/exit-codes.js';
export { EXIT_CODES } from './cli/exit-codes.js';
export { runCli } from './cli/run-cli.js';

// Run only when executed (`tenancy ...`, `node dist/cli.js`), not when imported for runCli. npm's bin shim is a
// symlink, hence realpath on both sides.
function invokedDirectly(): boolean {
  // The CommonJS build knows directly (its import.meta.url shim would name a shared chunk, not this file).
  if (typeof module !== 'undefined' && typeof require !== 'undefined') return require.main === module;
  const entry = process.argv[1];
  if (entry === undefined) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (invokedDirectly()) {
  void runCli(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
