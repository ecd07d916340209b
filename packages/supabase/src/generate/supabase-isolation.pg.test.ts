import { isTenancyError } from '@tenancy/core';
import type { ResolvedTenancyConfig } from '@tenancy/postgres';
import type { TestDatabase } from '@tenancy/postgres/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { asPostgrest, sqlState } from '../testing/postgrest-request.js';
import {
  ALICE,
  BOB,
  CAROL,
  createSupabaseDatabase,
  DAVE,
  issueToken,
  PROJECT_A,
  PROJECT_B,
  resetRows,
  TENANT_A,
  TENANT_B,
} from '../testing/supabase-fixture.js';
import { baseClaims, signToken, tamper } from '../testing/supabase-tokens.js';
import { createSupabaseDialect } from './supabase-dialect.js';

let db: TestDatabase;
let config: ResolvedTenancyConfig;

beforeAll(async () => {
  ({ db, config } = await createSupabaseDatabase());
});
afterAll(() => db.drop());
beforeEach(() => resetRows(db));

const plain = (rows: ReadonlyArray<Record<string, unknown>>) => rows.map((r) => ({ ...r }));
const projectsAs = (token: string | null) =>
  asPostgrest(db.sql, token, async (tx) => plain(await tx`select tenant_id, name from projects order by name`));
/** The ground truth, read as the superuser (which no policy applies to). */
const allProjects = async () => plain(await db.sql`select tenant_id, id, name from projects order by tenant_id, name`);
const countOf = (query: Promise<{ count: number }>) => query.then((r) => r.count);

describe('supabase dialect, through PostgREST with real signed tokens', () => {
  it('uses the config it was generated from: authenticated for tenants, service_role for the platform', () => {
    expect(config.roles).toEqual({ app: 'authenticated', platform: 'service_role' });
  });

  it('SELECT returns only the rows of the tenant in app_metadata', async () => {
    expect(await projectsAs(await issueToken(db, ALICE))).toEqual([{ tenant_id: TENANT_A, name: 'a-project' }]);
    expect(await projectsAs(await issueToken(db, BOB))).toEqual([{ tenant_id: TENANT_B, name: 'b-project' }]);
  });

  it('INSERT takes the tenant from the token and refuses a row for another tenant', async () => {
    const alice = await issueToken(db, ALICE);
    const [row] = await asPostgrest(
      db.sql,
      alice,
      (tx) => tx`insert into projects (name) values ('a-new') returning tenant_id`,
      { method: 'POST', path: '/projects' },
    );
    expect(row?.['tenant_id']).toBe(TENANT_A);
    const intoB = await sqlState(
      asPostgrest(db.sql, alice, (tx) => tx`insert into projects (tenant_id, name) values (${TENANT_B}, 'x')`),
    );
    expect(intoB).toBe('42501');
    expect((await allProjects()).map((r) => r['name'])).toEqual(['a-new', 'a-project', 'b-project']);
  });

  it('UPDATE and DELETE reach own rows and miss the other tenant rows', async () => {
    const counts = await asPostgrest(db.sql, await issueToken(db, ALICE), async (tx) => ({
      updateOther: await countOf(tx`update projects set name = 'hacked' where id = ${PROJECT_B}`),
      deleteOther: await countOf(tx`delete from projects where id = ${PROJECT_B}`),
      updateOwn: await countOf(tx`update projects set name = 'a-renamed' where id = ${PROJECT_A}`),
    }));
    expect(counts).toEqual({ updateOther: 0, deleteOther: 0, updateOwn: 1 });
    expect(await allProjects()).toEqual([
      { tenant_id: TENANT_A, id: PROJECT_A, name: 'a-renamed' },
      { tenant_id: TENANT_B, id: PROJECT_B, name: 'b-project' },
    ]);
  });

  it('refuses moving a row to another tenant and an upsert onto another tenant row', async () => {
    const alice = await issueToken(db, ALICE);
    expect(
      await sqlState(
        asPostgrest(db.sql, alice, (tx) => tx`update projects set tenant_id = ${TENANT_B} where id = ${PROJECT_A}`),
      ),
    ).toBe('42501');
    expect(
      await sqlState(
        asPostgrest(
          db.sql,
          alice,
          (tx) => tx`insert into projects (tenant_id, id, name) values (${TENANT_B}, ${PROJECT_B}, 'hijack')
                     on conflict (tenant_id, id) do update set name = excluded.name`,
        ),
      ),
    ).toBe('42501');
    expect(await allProjects()).toEqual([
      { tenant_id: TENANT_A, id: PROJECT_A, name: 'a-project' },
      { tenant_id: TENANT_B, id: PROJECT_B, name: 'b-project' },
    ]);
  });

  it('never reads user_metadata: a tenant the user wrote there grants nothing', async () => {
    // Users can set user_metadata themselves (supabase.auth.updateUser({ data })), and Supabase signs it into the
    // token: the signature is valid, the claim is the user's own wish.
    const wishful = await issueToken(db, ALICE, { user_metadata: { tenant_id: TENANT_B } });
    expect(await projectsAs(wishful)).toEqual([{ tenant_id: TENANT_A, name: 'a-project' }]);
    const onlyWish = await issueToken(db, DAVE, { user_metadata: { tenant_id: TENANT_B } });
    expect(await projectsAs(onlyWish)).toEqual([]);
    expect(
      await sqlState(
        asPostgrest(db.sql, onlyWish, (tx) => tx`insert into projects (tenant_id, name) values (${TENANT_B}, 'x')`),
      ),
    ).toBe('42501');
  });

  it('rejects a token whose app_metadata was edited after signing, before any SQL runs', async () => {
    const forged = tamper(await issueToken(db, ALICE), (claims) => ({
      ...claims,
      app_metadata: { tenant_id: TENANT_B },
    }));
    const error = await projectsAs(forged).catch((e: unknown) => e);
    expect(isTenancyError(error) && error.code).toBe('UNAUTHENTICATED');
  });

  it('gives nothing to a validly signed tenant claim the user is not a member of', async () => {
    // A token minted with the project secret but for a tenant without membership (a bug elsewhere, a leaked key).
    const outsider = signToken(baseClaims(BOB, { app_metadata: { tenant_id: TENANT_A } }));
    expect(await projectsAs(outsider)).toEqual([]);
    expect(await sqlState(asPostgrest(db.sql, outsider, (tx) => tx`insert into projects (name) values ('x')`))).toBe(
      '42501',
    );
  });

  it('stops a stale token at once when the membership is removed, and restores access when it is back', async () => {
    const carol = await issueToken(db, CAROL);
    expect(await projectsAs(carol)).toEqual([{ tenant_id: TENANT_A, name: 'a-project' }]);
    await db.sql`delete from tenancy.memberships where tenant_id = ${TENANT_A} and user_id = ${CAROL}`;
    expect(await projectsAs(carol)).toEqual([]);
    const counts = await asPostgrest(db.sql, carol, async (tx) => ({
      update: await countOf(tx`update projects set name = 'x'`),
      delete: await countOf(tx`delete from projects`),
    }));
    expect(counts).toEqual({ update: 0, delete: 0 });
    expect(
      await sqlState(
        asPostgrest(db.sql, carol, (tx) => tx`insert into projects (tenant_id, name) values (${TENANT_A}, 'x')`),
      ),
    ).toBe('42501');
    await db.sql`insert into tenancy.memberships (tenant_id, user_id, roles) values (${TENANT_A}, ${CAROL}, '{member}')`;
    expect(await projectsAs(carol)).toEqual([{ tenant_id: TENANT_A, name: 'a-project' }]);
  });

  it('stops every member of a suspended tenant even with a valid token', async () => {
    const alice = await issueToken(db, ALICE);
    await db.sql`update tenancy.tenants set status = 'suspended', suspended_at = now() where id = ${TENANT_A}`;
    expect(await projectsAs(alice)).toEqual([]);
    expect(await projectsAs(await issueToken(db, BOB))).toEqual([{ tenant_id: TENANT_B, name: 'b-project' }]);
  });

  it('gives anon no privilege on tenant tables, global tables or the tenancy schema', async () => {
    expect(await sqlState(projectsAs(null))).toBe('42501');
    expect(await sqlState(asPostgrest(db.sql, null, (tx) => tx`insert into projects (name) values ('x')`))).toBe(
      '42501',
    );
    expect(await sqlState(asPostgrest(db.sql, null, (tx) => tx`delete from projects`))).toBe('42501');
    expect(await sqlState(asPostgrest(db.sql, null, (tx) => tx`select * from plans`))).toBe('42501');
    expect(await sqlState(asPostgrest(db.sql, null, (tx) => tx`select tenancy.tenant_id()`))).toBe('42501');
    expect(await sqlState(asPostgrest(db.sql, null, (tx) => tx`select tenancy_private.is_member(${TENANT_A})`))).toBe(
      '42501',
    );
    // The ground truth: anon changed nothing.
    expect((await allProjects()).map((r) => r['name'])).toEqual(['a-project', 'b-project']);
  });

  it('lets a signed-in user without a tenant read global tables and no tenant rows', async () => {
    const dave = await issueToken(db, DAVE);
    expect(await projectsAs(dave)).toEqual([]);
    expect(await asPostgrest(db.sql, dave, async (tx) => plain(await tx`select id from plans`))).toEqual([
      { id: 'free' },
    ]);
  });

  it('evaluates the membership check once per statement (an InitPlan), not once per row', async () => {
    await db.sql`insert into projects (tenant_id, name) select ${TENANT_A}, 'bulk-' || g from generate_series(1, 50) g`;
    const plan = await asPostgrest(db.sql, await issueToken(db, ALICE), async (tx) =>
      (await tx.unsafe('explain (analyze, costs off, timing off, summary off) select count(*) from projects'))
        .map((r) => String(r['QUERY PLAN']))
        .join('\n'),
    );
    // One InitPlan computes tenant_id() (and with it is_member) once; the scan compares with its result
    // ($0 up to PostgreSQL 16, (InitPlan 1).col1 from 17; row counts print as 1.00 from 18).
    expect(plan).toMatch(/InitPlan 1[^\n]*\n\s*->\s+Result \(actual rows=1(\.00)? loops=1\)/);
    expect(plan).toMatch(/\(tenant_id = (\$0|\(InitPlan 1\)\.col1)\)/);
    expect(plan).not.toMatch(/tenant_id\(\)/);
  });

  it('checks permissions with the live roles of auth.uid() in the verified tenant (has_permission)', async () => {
    await db.sql`insert into tenancy.roles (tenant_id, name) values (${TENANT_A}, 'admin'), (${TENANT_A}, 'member')
                 on conflict do nothing`;
    await db.sql`insert into tenancy.role_permissions (tenant_id, role, permission) values (${TENANT_A}, 'admin', 'member:*')
                 on conflict do nothing`;
    const addDave = (token: string) =>
      asPostgrest(
        db.sql,
        token,
        (tx) => tx`insert into tenancy.memberships (user_id, roles) values (${DAVE}, '{member}')`,
      );
    expect(await sqlState(addDave(await issueToken(db, CAROL)))).toBe('42501');
    expect(await sqlState(addDave(await issueToken(db, ALICE)))).toBeUndefined();
    const [row] = await db.sql`select tenant_id from tenancy.memberships where user_id = ${DAVE}`;
    expect(row?.['tenant_id']).toBe(TENANT_A);
  });

  it('scopes a direct connection with the dialect context statement, membership still checked live', async () => {
    const dialect = createSupabaseDialect(config);
    const asUser = (userId: string, tenantId: string) =>
      db.sql.begin(async (tx) => {
        const statement = dialect.contextStatement(config, { tenantId, userId, role: 'app' });
        await tx.unsafe(statement.text, statement.params);
        return plain(await tx`select name from projects order by name`);
      });
    expect(await asUser(ALICE, TENANT_A)).toEqual([{ name: 'a-project' }]);
    expect(await asUser(ALICE, TENANT_B)).toEqual([]);
  });

  it('lets service_role (the platform path) see every tenant', async () => {
    const service = signToken({
      role: 'service_role',
      aud: 'authenticated',
      exp: Math.floor(Date.now() / 1000) + 60,
      sub: 'service',
    });
    expect(await projectsAs(service)).toEqual([
      { tenant_id: TENANT_A, name: 'a-project' },
      { tenant_id: TENANT_B, name: 'b-project' },
    ]);
  });
});
