import type { LintReport, ResolvedTenancyConfig } from '@tenancy/postgres';
import type { TestDatabase } from '@tenancy/postgres/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveSupabaseConfig } from '../config/resolve-supabase-config.js';
import { generateSupabaseSql } from '../generate/generate-supabase-sql.js';
import { createSupabaseDatabase, runScript } from '../testing/supabase-fixture.js';
import { lintSupabaseDatabase } from './lint-supabase-database.js';

let db: TestDatabase;
let config: ResolvedTenancyConfig;

beforeAll(async () => {
  ({ db, config } = await createSupabaseDatabase());
});
afterAll(() => db.drop());

const summary = (report: LintReport) => report.findings.map((f) => `${f.severity} ${f.rule} ${f.object}`);

/** Runs `change` as the superuser, lints, then undoes it (each scenario starts from the generated state). */
async function lintWith(change: string, undo: string, lintConfig: ResolvedTenancyConfig = config): Promise<LintReport> {
  await db.sql.unsafe(change);
  try {
    return await lintSupabaseDatabase({ sql: db.sql, config: lintConfig });
  } finally {
    await db.sql.unsafe(undo);
  }
}

describe('lintSupabaseDatabase', () => {
  it('finds nothing on a database the generated SQL was applied to', async () => {
    const report = await lintSupabaseDatabase({ sql: db.sql, config });
    expect(summary(report)).toEqual([]);
    expect(report).toMatchObject({ errorCount: 0, warningCount: 0 });
  });

  it('applying the generated SQL again changes nothing (drift stays empty)', async () => {
    await runScript(db, generateSupabaseSql(config));
    expect(summary(await lintSupabaseDatabase({ sql: db.sql, config }))).toEqual([]);
  });

  it('reports a policy that reads user_metadata', async () => {
    const report = await lintWith(
      `create policy wishful on public.projects for select to authenticated
         using (tenant_id = ((auth.jwt() -> 'user_metadata') ->> 'tenant_id')::uuid);`,
      'drop policy wishful on public.projects;',
    );
    expect(summary(report)).toContain('error supabase-policy-reads-user-metadata public.projects.wishful');
  });

  it('reports a policy that calls a function reading raw_user_meta_data', async () => {
    const report = await lintWith(
      `create function public.my_tenant() returns uuid language sql stable as
         $$ select (nullif(current_setting('request.jwt.claims', true), '')::jsonb -> 'raw_user_meta_data' ->> 't')::uuid $$;
       create policy indirect on public.projects for select to authenticated using (tenant_id = public.my_tenant());`,
      'drop policy indirect on public.projects; drop function public.my_tenant();',
    );
    expect(summary(report)).toContain('error supabase-policy-reads-user-metadata public.projects.indirect');
  });

  it('reports a tenant table anon can read, and a policy that names anon', async () => {
    const report = await lintWith(
      `grant select on public.projects to anon;
       create policy open_house on public.projects for select to anon using (true);`,
      'drop policy open_house on public.projects; revoke select on public.projects from anon;',
    );
    const ours = report.findings.filter((f) => f.rule === 'supabase-tenant-table-anon-access');
    expect(ours.map((f) => [f.object, f.message])).toEqual([
      ['public.projects', 'anon holds SELECT on tenant table public.projects.'],
      ['public.projects.open_house', 'Policy open_house on tenant table public.projects applies to anon.'],
    ]);
  });

  it('reports anon access that comes through PUBLIC', async () => {
    const report = await lintWith(
      'grant insert on public.projects to public;',
      'revoke insert on public.projects from public;',
    );
    expect(report.findings.find((f) => f.rule === 'supabase-tenant-table-anon-access')?.message).toBe(
      'anon holds INSERT on tenant table public.projects.',
    );
  });

  it('reports SECURITY DEFINER functions anon or authenticated can execute, but not the ones tenancy needs', async () => {
    const report = await lintWith(
      // Supabase's default privileges grant EXECUTE on new functions in public to anon and authenticated.
      `create function public.all_projects() returns setof public.projects language sql security definer
         set search_path = '' as $$ select * from public.projects $$;
       create function public.member_count() returns bigint language sql security definer
         set search_path = '' as $$ select count(*) from tenancy.memberships $$;
       revoke execute on function public.member_count() from public, anon;`,
      'drop function public.all_projects(); drop function public.member_count();',
    );
    expect(
      report.findings.filter((f) => f.rule === 'supabase-definer-executable-by-api-role').map((f) => f.message),
    ).toEqual([
      'SECURITY DEFINER function public.all_projects() is executable by anon.',
      'SECURITY DEFINER function public.member_count() is executable by authenticated (every signed-in user of every tenant).',
    ]);
  });

  it('reports the access token hook once authenticated may call it', async () => {
    const report = await lintWith(
      'grant execute on function tenancy_private.access_token_hook(jsonb) to authenticated;',
      'revoke execute on function tenancy_private.access_token_hook(jsonb) from authenticated;',
    );
    expect(summary(report)).toContain(
      'error supabase-definer-executable-by-api-role tenancy_private.access_token_hook(event jsonb)',
    );
  });

  it('moves a finding with a lint.allow entry to suppressed, and reports an entry that matches nothing', async () => {
    const allowing = resolveSupabaseConfig({
      tables: { projects: { scope: 'tenant' }, plans: { scope: 'global' } },
      lint: {
        allow: [
          {
            rule: 'supabase-definer-executable-by-api-role',
            object: 'public.member_count()',
            reason: 'Shows the member count of the caller tenant only; reviewed in #123.',
          },
          { rule: 'supabase-policy-reads-user-metadata', object: 'public.gone.*', reason: 'Old table.' },
        ],
      },
    });
    const report = await lintWith(
      `create function public.member_count() returns bigint language sql security definer
         set search_path = '' as $$ select count(*) from tenancy.memberships where tenant_id = tenancy.tenant_id() $$;
       revoke execute on function public.member_count() from public, anon;`,
      'drop function public.member_count();',
      allowing,
    );
    // The foundation's own two accepted findings are suppressed too (resolveConfig merges their allowances).
    expect(
      report.suppressed.map((f) => [f.rule, f.object, f.reason]).filter(([rule]) => rule?.startsWith('supabase-')),
    ).toEqual([
      [
        'supabase-definer-executable-by-api-role',
        'public.member_count()',
        'Shows the member count of the caller tenant only; reviewed in #123.',
      ],
    ]);
    expect(report.suppressed).toHaveLength(3);
    expect(summary(report)).toEqual(['warning stale-suppression supabase-policy-reads-user-metadata:public.gone.*']);
  });
});
