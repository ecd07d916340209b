import { resolveSupabaseConfig } from '@tenancy/supabase/sql';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../config/resolve-config.js';
import { generateSql } from '../generate/generate-sql.js';
import { lintDatabase } from '../lint/lint-database.js';
import { dialectTools } from './dialect-tools.js';

describe('dialectTools', () => {
  it('uses the built-in dialect and the base linter for postgres and citus configs', async () => {
    const tools = await dialectTools(resolveConfig({ tables: { projects: { scope: 'tenant' } } }));
    expect(tools.dialect.name).toBe('postgres');
    expect(tools.lint).toBe(lintDatabase);
    const citus = await dialectTools(resolveConfig({ dialect: 'citus', tables: { projects: { scope: 'tenant' } } }));
    expect(citus.dialect.name).toBe('citus');
  });

  it('loads the supabase dialect from @tenancy/supabase for a supabase config', async () => {
    const config = resolveSupabaseConfig({ tables: { projects: { scope: 'tenant' } } });
    const tools = await dialectTools(config);
    expect(tools.dialect.name).toBe('supabase');
    expect(tools.lint).not.toBe(lintDatabase);
    const sql = generateSql(config, { dialect: tools.dialect });
    expect(sql).toContain('tenancy_private.is_member');
    expect(sql).toContain('to authenticated');
  });
});
