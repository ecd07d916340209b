import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isTenancyError } from '@tenancy/core';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './load-config.js';

const fixtures = fileURLToPath(new URL('./test-fixtures/', import.meta.url));

async function loadError(path: string | undefined, cwd: string): Promise<{ message: string; path: unknown }> {
  try {
    await loadConfig(path, { cwd });
  } catch (error) {
    if (!isTenancyError(error, 'INVALID_CONFIG')) throw error;
    return { message: error.message, path: error.details?.['path'] };
  }
  throw new Error('expected INVALID_CONFIG');
}

describe('loadConfig', () => {
  it('loads a JSON config and records its path relative to cwd as the source', async () => {
    const config = await loadConfig('tenancy.config.json', { cwd: fixtures });
    expect(config.source).toBe('tenancy.config.json');
    expect(config.tables).toEqual([
      expect.objectContaining({ schema: 'public', name: 'projects', scope: 'tenant', tenantColumn: 'org_id' }),
    ]);
  });

  it('finds tenancy.config.ts first in cwd and reads the Drizzle schema it names', async () => {
    const config = await loadConfig(undefined, { cwd: fixtures });
    expect(config.source).toBe('tenancy.config.ts');
    expect(config.tables.map((t) => [t.name, t.scope])).toEqual([
      ['plans', 'global'],
      ['projects', 'tenant'],
    ]);
  });

  it('names the bad path of a module config', async () => {
    const error = await loadError('broken.config.mjs', fixtures);
    expect(error.path).toBe('tables.tasks.workspaceColumn');
    expect(error.message).toContain('Invalid tenancy config (broken.config.mjs)');
  });

  it('says what is wrong with a file that is not JSON, a missing file, and an empty directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tenancy-config-'));
    writeFileSync(join(dir, 'bad.json'), '{ "tables": ');
    expect((await loadError('bad.json', dir)).message).toContain('is not valid JSON');
    expect((await loadError('nope.json', dir)).message).toContain('nope.json does not exist');
    expect((await loadError(undefined, dir)).message).toContain('no config found in');
  });

  it('refuses a module without a default export', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tenancy-config-'));
    writeFileSync(join(dir, 'tenancy.config.mjs'), 'export const nothing = 1;');
    expect((await loadError(undefined, dir)).message).toContain('exports no config');
  });
});
