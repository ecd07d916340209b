import type { ResolvedTenancyConfig } from '../config/config-types.js';
import { foundationPolicies } from '../foundation/foundation-policies.js';
import { foundationSql } from '../foundation/foundation-sql.js';

/** The foundation schema's DDL (tables, keys, indexes, triggers; no policies), idempotent. */
export function foundationDdl(config: ResolvedTenancyConfig): string {
  return foundationSql(config).trimEnd();
}

/** The foundation policies the classification cannot express (run after the per-table blocks), idempotent. */
export function foundationExtraPolicies(config: ResolvedTenancyConfig): string {
  return foundationPolicies(config).trimEnd();
}
