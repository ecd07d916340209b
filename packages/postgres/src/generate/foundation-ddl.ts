import type { ResolvedTenancyConfig } from '../config/config-types.js';

// The foundation DDL is F's (src/foundation/). Until it lands, the script creates nothing here and
// `has_permission()` expects the four tables the contract describes to exist already.
/** The foundation schema's DDL (tables, keys, indexes; no policies), idempotent. */
export function foundationDdl(_config: ResolvedTenancyConfig): string {
  return '';
}
