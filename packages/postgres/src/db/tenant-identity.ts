import { TenancyError } from '@tenancy/core';
import type { RuntimeConfig, SettingValues } from './runtime-config.js';

/**
 * Who a unit of work runs for: the tenant, and optionally the user and the workspace (uuids, as `tenancy.user_id()`
 * and `tenancy.workspace_id()` read them). A `TenantContext` from `@tenancy/core` fits as is.
 */
export interface TenantIdentity {
  readonly tenantId: string;
  readonly userId?: string | undefined;
  readonly workspaceId?: string | undefined;
}

const BIGINT = /^-?[0-9]{1,19}$/;
const TEXT = /^[^\p{Cc}]{1,255}$/u;

/**
 * Checks a tenant identity before any of it reaches SQL and returns the setting values for it. Messages name the
 * field that was wrong, never its value: an id that fails here may be someone's probe.
 */
export function settingValuesFor(identity: TenantIdentity, runtime: RuntimeConfig): SettingValues {
  const { tenantId, userId, workspaceId } = identity;
  if (!isTenantId(tenantId, runtime.tenantColumnType)) {
    throw new TenancyError('INVALID_INPUT', `The tenant id is not a valid ${runtime.tenantColumnType}.`, {
      details: { field: 'tenantId' },
    });
  }
  if (userId !== undefined && !(typeof userId === 'string' && isUuid(userId))) {
    throw new TenancyError('INVALID_INPUT', 'The user id is not a valid uuid.', { details: { field: 'userId' } });
  }
  if (workspaceId !== undefined && !(typeof workspaceId === 'string' && isUuid(workspaceId))) {
    throw new TenancyError('INVALID_INPUT', 'The workspace id is not a valid uuid.', {
      details: { field: 'workspaceId' },
    });
  }
  return [tenantId, userId ?? '', workspaceId ?? '', runtime.roles.app];
}

function isTenantId(value: unknown, type: RuntimeConfig['tenantColumnType']): value is string {
  if (typeof value !== 'string') return false;
  if (type === 'uuid') return isUuid(value);
  if (type === 'bigint')
    return BIGINT.test(value) && BigInt(value) <= 9223372036854775807n && BigInt(value) >= -9223372036854775808n;
  return TEXT.test(value);
}

/**
 * `/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i`, without the regular expression engine: it runs
 * for every id of every unit of work, and this loop costs a fifth of the match.
 */
export function isUuid(value: string): boolean {
  if (value.length !== 36) return false;
  for (let i = 0; i < 36; i++) {
    const c = value.charCodeAt(i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (c !== 0x2d) return false;
    } else {
      const lower = c | 0x20;
      if (!((c >= 0x30 && c <= 0x39) || (lower >= 0x61 && lower <= 0x66))) return false;
    }
  }
  return true;
}
