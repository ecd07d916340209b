import type { Rule, RuleMeta } from '../types.js';
import { alwaysTruePolicy } from './always-true-policy.js';
import { appRoleBypassesRls } from './app-role-bypasses-rls.js';
import { appRoleDangerousGrant } from './app-role-dangerous-grant.js';
import { appRoleOwnsTables } from './app-role-owns-tables.js';
import { configuredTableMissing } from './configured-table-missing.js';
import { foreignKeyWithoutTenantColumn } from './foreign-key-without-tenant-column.js';
import { loginRoleBypassesRls } from './login-role-bypasses-rls.js';
import { loginRoleInheritsPlatform } from './login-role-inherits-platform.js';
import { loginRoleOwnsTenantTables } from './login-role-owns-tenant-tables.js';
import { materializedViewOverTenantTable } from './materialized-view-over-tenant-table.js';
import { missingGuardPolicy } from './missing-guard-policy.js';
import { partitionEscapesPolicies } from './partition-escapes-policies.js';
import { permissiveWithoutGuard } from './permissive-without-guard.js';
import { policyDrift } from './policy-drift.js';
import { policyMissingCommand } from './policy-missing-command.js';
import { rlsDisabled } from './rls-disabled.js';
import { rlsNotForced } from './rls-not-forced.js';
import { securityDefinerPublicExecute } from './security-definer-public-execute.js';
import { securityDefinerSearchPath } from './security-definer-search-path.js';
import { staleSuppression } from './stale-suppression.js';
import { tenantColumnMissing } from './tenant-column-missing.js';
import { tenantColumnNotIndexed } from './tenant-column-not-indexed.js';
import { unclassifiedTable } from './unclassified-table.js';
import { uniqueWithoutTenantColumn } from './unique-without-tenant-column.js';
import { viewWithoutSecurityInvoker } from './view-without-security-invoker.js';

/** Every rule `tenancy check` runs over the catalog, in documentation order. */
export const lintRules: readonly Rule[] = [
  rlsDisabled,
  rlsNotForced,
  missingGuardPolicy,
  permissiveWithoutGuard,
  alwaysTruePolicy,
  policyMissingCommand,
  tenantColumnMissing,
  tenantColumnNotIndexed,
  uniqueWithoutTenantColumn,
  foreignKeyWithoutTenantColumn,
  viewWithoutSecurityInvoker,
  materializedViewOverTenantTable,
  partitionEscapesPolicies,
  securityDefinerSearchPath,
  securityDefinerPublicExecute,
  appRoleDangerousGrant,
  appRoleBypassesRls,
  appRoleOwnsTables,
  loginRoleBypassesRls,
  loginRoleInheritsPlatform,
  loginRoleOwnsTenantTables,
  unclassifiedTable,
  configuredTableMissing,
  policyDrift,
];

/**
 * The description of every rule id a report can contain (including `stale-suppression`, which the suppression step
 * reports): for tooling that lists the rules or explains a finding.
 * @example
 * for (const rule of ruleCatalog) console.log(`${rule.id} (${rule.severity}): ${rule.description}`);
 * @see https://github.com/tenancy/tenancy/blob/main/docs/linter.md#rules
 */
export const ruleCatalog: readonly RuleMeta[] = [...lintRules, staleSuppression].map(
  ({ id, severity, description, why, fix }) => ({ id, severity, description, why, fix }),
);
