import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ruleCatalog } from './all-rules.js';

// docs/linter.md is the reference users suppress findings by: every rule must be there, with its real severity.
const docs = readFileSync(new URL('../../../../../docs/linter.md', import.meta.url), 'utf8');

describe('docs/linter.md', () => {
  it.each(ruleCatalog.map((r) => [r.id, r.severity] as const))('documents %s as %s', (id, severity) => {
    expect(docs).toContain(`\n### \`${id}\`\n\n**Severity:** ${severity}.`);
    // The table is padded by the formatter, so whitespace around the cells is free.
    expect(docs).toMatch(new RegExp(`\\|\\s*\\[\`${id}\`\\]\\(#${id}\\)\\s*\\|\\s*${severity}\\s*\\|`));
  });

  it('documents no rule that does not exist', () => {
    const documented = [...docs.matchAll(/^### `([a-z-]+)`$/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual(ruleCatalog.map((r) => r.id).sort());
  });
});
