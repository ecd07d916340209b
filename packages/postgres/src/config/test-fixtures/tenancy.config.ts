// A TypeScript config as a user writes it, loaded by loadConfig() through Node's type stripping (vite in tests).
// `import type` and `satisfies` disappear when types are stripped, so this file runs as plain JavaScript.
import type { TenancyConfigInput } from '../config-types.js';

export default {
  drizzleSchema: './drizzle-schema.ts',
  tables: { plans: { scope: 'global' } },
} satisfies TenancyConfigInput;
