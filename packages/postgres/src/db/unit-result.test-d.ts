import { describe, expectTypeOf, it } from 'vitest';
import type { TenantDb } from './create-tenant-db.js';
import type { schema } from './db-test-fixture.js';
import { projects } from './db-test-fixture.js';
import type { TenantSql } from './tenant-sql.js';
import type { UnitResult } from './unit-options.js';

declare const tenantDb: TenantDb<typeof schema>;

describe('UnitResult', () => {
  it('unwraps a returned query, a promise, and a tuple of queries', () => {
    expectTypeOf<UnitResult<Promise<number>>>().toEqualTypeOf<number>();
    expectTypeOf<UnitResult<readonly [Promise<number>, Promise<string>]>>().toEqualTypeOf<[number, string]>();
    expectTypeOf<UnitResult<Promise<readonly [Promise<number>, 'x']>>>().toEqualTypeOf<[number, 'x']>();
    // A plain array (rows) stays what it is.
    expectTypeOf<UnitResult<{ id: string }[]>>().toEqualTypeOf<{ id: string }[]>();
  });

  it('types withTenant by what the callback returns', () => {
    const rows = tenantDb.withTenant('t', (db) => db.select({ name: projects.name }).from(projects));
    expectTypeOf(rows).resolves.toEqualTypeOf<{ name: string }[]>();
    const pair = tenantDb.run((db) => [db.select({ id: projects.id }).from(projects), db.$count(projects)] as const);
    expectTypeOf(pair).resolves.toEqualTypeOf<[{ id: string }[], number]>();
    const value = tenantDb.asPlatform({ reason: 'r' }, async () => 42);
    expectTypeOf(value).resolves.toEqualTypeOf<number>();
  });

  it('has no way to reach the unscoped client from a handle', () => {
    void tenantDb.run((db) => {
      expectTypeOf(db).not.toHaveProperty('$client');
      return 1;
    });
    expectTypeOf<TenantSql>().not.toHaveProperty('begin');
    expectTypeOf<TenantSql>().not.toHaveProperty('reserve');
    expectTypeOf<TenantSql>().not.toHaveProperty('end');
  });
});
