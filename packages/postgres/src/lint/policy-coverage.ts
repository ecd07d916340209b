import type { Command, ResolvedTenancyConfig } from '../config/index.js';
import type { IsolatedTable } from './classify.js';
import { pinsTenant } from './expression.js';
import type { CatalogPolicy, CatalogRelation, PolicyCommand } from './read-catalog.js';

/** The four data commands, in the order messages list them. */
export const COMMANDS: readonly Command[] = ['select', 'insert', 'update', 'delete'];

/** The commands a policy applies to. */
export function policyCommands(command: PolicyCommand): Command[] {
  return command === 'all' ? [...COMMANDS] : [command];
}

/** The expression PostgreSQL checks new rows against: WITH CHECK, or USING for ALL and UPDATE policies without one. */
export function effectiveCheck(policy: CatalogPolicy): string | null {
  if (policy.withCheck !== null) return policy.withCheck;
  return policy.command === 'all' || policy.command === 'update' ? policy.using : null;
}

/** The policies on one table. */
export function policiesOn(policies: readonly CatalogPolicy[], table: string): CatalogPolicy[] {
  return policies.filter((p) => p.table === table);
}

/**
 * The commands the app role must be confined on: what it is granted now, plus what the configuration grants it.
 * A privilege someone granted by hand needs the guard just as much as a configured one.
 */
export function requiredCommands(table: IsolatedTable, relation: CatalogRelation): Command[] {
  const granted = new Set<string>([...relation.appPrivileges, ...table.grants]);
  return COMMANDS.filter((c) => granted.has(c));
}

/**
 * The commands for which a RESTRICTIVE policy that applies to the app role pins the tenant column to the tenant
 * setting, on the rows it reads (USING) and on the rows it writes (WITH CHECK).
 */
export function guardedCommands(
  policies: readonly CatalogPolicy[],
  table: IsolatedTable,
  config: ResolvedTenancyConfig,
): Set<Command> {
  const pins = (expr: string | null) =>
    expr !== null && pinsTenant(expr, table.tenantColumn, config.helperSchema, config.settings.tenantId);
  const covered = new Set<Command>();
  for (const p of policies) {
    if (p.permissive || !p.appliesToApp) continue;
    const reads = pins(p.using);
    const writes = pins(effectiveCheck(p));
    for (const c of policyCommands(p.command)) {
      if (c === 'select' || c === 'delete' ? reads : c === 'insert' ? writes : reads && writes) covered.add(c);
    }
  }
  return covered;
}

/** The commands for which some PERMISSIVE policy lets the app role through at all. */
export function permittedCommands(policies: readonly CatalogPolicy[]): Set<Command> {
  const permitted = new Set<Command>();
  for (const p of policies) {
    if (!p.permissive || !p.appliesToApp) continue;
    for (const c of policyCommands(p.command)) {
      if (c === 'insert' ? effectiveCheck(p) !== null : p.using !== null) permitted.add(c);
    }
  }
  return permitted;
}
