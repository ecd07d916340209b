import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResolvedTenancyConfig } from '../config/config-types.js';
import { createTestDatabase, type TestDatabase } from '../testing/create-test-database.js';
import { dropTestRoles, exampleSchemaSql, inUnitOfWork, runScript, testConfig } from './example-fixture.js';
import { generateSql } from './generate-sql.js';

// No Citus cluster here: the Citus functions and catalog are stubbed in a test-only schema on the search path, so
// the citus dialect's script is parsed and executed by a real PostgreSQL. The stubs behave like Citus where the
// script depends on it: a table is recorded in pg_dist_partition, and distributing a table whose foreign key
// points at a table that is not distributed yet fails, as it does in Citus.
const CITUS_STUB = `
  create schema citus_stub;
  create table citus_stub.pg_dist_partition (
    logicalrelid regclass primary key, partmethod "char" not null, partkey text, position serial);
  create function citus_stub.create_distributed_table(table_name regclass, distribution_column text) returns void
    language plpgsql as $$
    begin
      if exists (select from pg_constraint c where c.conrelid = table_name and c.contype = 'f'
                 and c.confrelid <> table_name
                 and not exists (select from citus_stub.pg_dist_partition p where p.logicalrelid = c.confrelid)) then
        raise exception 'cannot distribute %: it references a local table', table_name;
      end if;
      insert into citus_stub.pg_dist_partition (logicalrelid, partmethod, partkey) values (table_name, 'h', distribution_column);
    end $$;
  create function citus_stub.create_reference_table(table_name regclass) returns void
    language sql as $$ insert into citus_stub.pg_dist_partition (logicalrelid, partmethod) values (table_name, 'n') $$;
`;

// Sorts before projects but references it: the script must distribute projects first.
const NOTES = `create table public.a_notes (tenant_id uuid not null, id uuid not null default gen_random_uuid(),
  project_id uuid not null, body text, primary key (tenant_id, id),
  foreign key (tenant_id, project_id) references public.projects (tenant_id, id))`;

const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';

let db: TestDatabase;
let config: ResolvedTenancyConfig;

beforeAll(async () => {
  db = await createTestDatabase();
  config = testConfig(db.suffix, {
    dialect: 'citus',
    tables: {
      a_notes: { scope: 'tenant' },
      projects: { scope: 'tenant' },
      tasks: { scope: 'workspace', workspaceColumn: 'workspace_id' },
      plans: { scope: 'global' },
    },
  });
  await db.sql.unsafe(`${exampleSchemaSql};${NOTES};${CITUS_STUB}`);
  await db.sql.unsafe(`alter database "${db.name}" set search_path = "$user", public, citus_stub`);
});

afterAll(async () => {
  await dropTestRoles(db.sql, [config.roles.app, config.roles.platform]);
  await db.drop();
});

describe('the citus dialect', () => {
  it('distributes tenant tables in foreign-key order, makes global tables reference tables, and re-applies cleanly', async () => {
    const script = generateSql(config);
    await runScript(db.url, script);
    await runScript(db.url, script);
    const rows =
      await db.sql`select logicalrelid::text as rel, partmethod, partkey from citus_stub.pg_dist_partition order by position`;
    expect(rows.map((r) => ({ ...r }))).toEqual([
      { rel: 'plans', partmethod: 'n', partkey: null },
      { rel: 'projects', partmethod: 'h', partkey: 'tenant_id' },
      { rel: 'tasks', partmethod: 'h', partkey: 'tenant_id' },
      { rel: 'a_notes', partmethod: 'h', partkey: 'tenant_id' },
    ]);
  });

  it('sets the database up so SET LOCAL reaches the workers and the immutability trigger is allowed', async () => {
    const [row] = await db.sql`
      select setconfig from pg_db_role_setting
      where setdatabase = (select oid from pg_database where datname = current_database()) and setrole = 0`;
    expect(row?.['setconfig']).toEqual(
      expect.arrayContaining(['citus.propagate_set_commands=local', 'citus.enable_unsafe_triggers=on']),
    );
  });

  it('isolates tenants with the SET LOCAL context statement', async () => {
    await db.sql.unsafe(`insert into projects (tenant_id, name) values ('${A}', 'a'), ('${B}', 'b')`);
    const client = postgres(db.url, { max: 1, onnotice: () => {} });
    try {
      const names = await inUnitOfWork(client, config, { tenantId: A, role: 'app' }, async (tx) => {
        const [who] = await tx`select current_user as u`;
        expect(who?.['u']).toBe(config.roles.app);
        return (await tx`select name from projects`).map((r) => r['name']);
      });
      expect(names).toEqual(['a']);
    } finally {
      await client.end();
    }
  });

  it('refuses tenant tables whose primary key leaves out the tenant column', async () => {
    await db.sql`create table public.loose (tenant_id uuid not null, id uuid primary key)`;
    const loose = testConfig(db.suffix, { dialect: 'citus', tables: { loose: { scope: 'tenant' } } });
    await expect(runScript(db.url, generateSql(loose))).rejects.toThrow(
      'these primary keys do not include it: public.loose',
    );
  });

  it('refuses to run without the Citus functions', async () => {
    const client = postgres(db.url, { max: 1, onnotice: () => {}, connection: { search_path: 'public' } });
    try {
      await expect(client.unsafe(generateSql(config))).rejects.toThrow('the citus dialect needs the Citus extension');
    } finally {
      await client.end();
    }
  });
});
