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

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
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
  if (userId !== undefined && !(typeof userId === 'string' && UUID.test(userId))) {
    throw new TenancyError('INVALID_INPUT', 'The user id is not a valid uuid.', { details: { field: 'userId' } });
  }
  if (workspaceId !== undefined && !(typeof workspaceId === 'string' && UUID.test(workspaceId))) {
    throw new TenancyError('INVALID_INPUT', 'The workspace id is not a valid uuid.', {
      details: { field: 'workspaceId' },
    });
  }
  return [tenantId, userId ?? '', workspaceId ?? '', runtime.roles.app];
}

function isTenantId(value: unknown, type: RuntimeConfig['tenantColumnType']): value is string {
  if (typeof value !== 'string') return false;
  if (type === 'uuid') return UUID.test(value);
  if (type === 'bigint')
    return BIGINT.test(value) && BigInt(value) <= 9223372036854775807n && BigInt(value) >= -9223372036854775808n;
  return TEXT.test(value);
}
