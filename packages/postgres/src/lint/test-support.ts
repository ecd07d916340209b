// Test-only helpers for the linter's tests: a resolved config with per-database role names, applying SQL in one
// transaction, and cleaning up roles. Not exported from the package.
import postgres from 'postgres';
import type { Command, ResolvedTable, ResolvedTenancyConfig, TableInput } from '../config/index.js';
import { resolveConfig } from '../config/index.js';
import type { TestDatabase } from '../testing/create-test-database.js';
import { withDatabase } from '../testing/create-test-database.js';
import { withoutTransactionControl } from './drift/split-sql.js';
import type { LintReport } from './types.js';

const ALL: Command[] = ['select', 'insert', 'update', 'delete'];

/** A tenant table entry with the contract's defaults. */
export function tenantTable(schema: string, name: string, extra: { grants?: Command[] } = {}): ResolvedTable {
  return { schema, name, scope: 'tenant', tenantColumn: 'tenant_id', grants: extra.grants ?? ALL, permissions: {} };
}

/**
 * A config for tests, resolved by the real `resolveConfig`; role names carry the database suffix because roles are
 * cluster-wide. Tables are given in resolved form (qualified) for brevity.
 */
export function testConfig(
  suffix: string,
  options: {
    schemas: string[];
    tables: ResolvedTable[];
    allow?: ResolvedTenancyConfig['lint']['allow'];
    app?: string;
  },
): ResolvedTenancyConfig {
  const tables: Record<string, TableInput> = {};
  for (const t of options.tables) {
    const key = `${t.schema}.${t.name}`;
    if (t.scope === 'tenant') tables[key] = { scope: 'tenant', tenantColumn: t.tenantColumn, grants: t.grants };
    else if (t.scope === 'workspace') {
      tables[key] = {
        scope: 'workspace',
        tenantColumn: t.tenantColumn,
        workspaceColumn: t.workspaceColumn,
        grants: t.grants,
      };
    } else if (t.scope === 'global') tables[key] = { scope: 'global' };
    else tables[key] = { scope: 'ignore', reason: t.reason };
  }
  return resolveConfig({
    schemas: options.schemas,
    roles: { app: options.app ?? `tenancy_app_${suffix}`, platform: `tenancy_platform_${suffix}` },
    tables,
    lint: { allow: options.allow ?? [] },
  });
}

const q = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * Applies a script the way `tenancy apply` does: in one transaction. postgres.js refuses a bare `begin` on a pooled
 * client, so the script's own begin/commit are replaced by `sql.begin`.
 */
export async function applySql(sql: postgres.Sql, script: string): Promise<void> {
  await sql.begin((tx) => tx.unsafe(withoutTransactionControl(script)));
}

/** The objects of the findings a rule produced, sorted. */
export function objectsOf(report: LintReport, rule: string): string[] {
  return report.findings
    .filter((f) => f.rule === rule)
    .map((f) => f.object)
    .sort();
}

/** Drops the test's roles after its database is gone (roles are cluster-wide and outlive the database). */
export async function dropRoles(db: TestDatabase, roles: string[]): Promise<void> {
  const admin = postgres(withDatabase(db.url, 'postgres'), { max: 1, onnotice: () => {} });
  try {
    for (const role of roles) await admin.unsafe(`drop role if exists ${q(role)}`);
  } finally {
    await admin.end();
  }
}
