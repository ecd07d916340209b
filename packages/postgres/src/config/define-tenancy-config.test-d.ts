import { describe, expectTypeOf, it } from 'vitest';
import type { ResolvedTable, TenancyConfigInput } from './config-types.js';
import { defineTenancyConfig } from './define-tenancy-config.js';
import { resolveConfig } from './resolve-config.js';

describe('defineTenancyConfig', () => {
  it('keeps the literal config type, readonly grants included', () => {
    const config = defineTenancyConfig({
      tables: { audit: { scope: 'tenant', grants: ['select', 'insert'] }, plans: { scope: 'global' } },
    });
    expectTypeOf(config.tables.audit.grants).toEqualTypeOf<readonly ['select', 'insert']>();
    expectTypeOf(config).toMatchTypeOf<TenancyConfigInput>();
  });

  it('rejects an unknown scope, a workspace table without its column and an unknown command', () => {
    // @ts-expect-error: 'tenants' is not a scope
    defineTenancyConfig({ tables: { a: { scope: 'tenants' } } });
    // @ts-expect-error: a workspace table needs workspaceColumn
    defineTenancyConfig({ tables: { a: { scope: 'workspace' } } });
    // @ts-expect-error: 'truncate' is never granted
    defineTenancyConfig({ tables: { a: { scope: 'tenant', grants: ['truncate'] } } });
  });
});

describe('resolveConfig', () => {
  it('returns tables as a union narrowed by scope', () => {
    const [table] = resolveConfig({ tables: { a: { scope: 'tenant' } } }).tables;
    expectTypeOf(table).toEqualTypeOf<ResolvedTable | undefined>();
    if (table?.scope === 'workspace') expectTypeOf(table.workspaceColumn).toEqualTypeOf<string>();
  });
});
