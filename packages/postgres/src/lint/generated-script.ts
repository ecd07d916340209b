import { TenancyError } from '@tenancy/core';
import type { ResolvedTenancyConfig } from './config-shape.js';

// Until the generator lands, callers pass `script`; this keeps the seam in one place.
export function generatedScript(_config: ResolvedTenancyConfig): string {
  throw new TenancyError('INTERNAL', 'generateSql is not available yet: pass `script` explicitly.');
}
