import { describe, expect, it } from 'vitest';
import type { TenancyError } from '../errors/tenancy-error.js';
import { isTenancyError } from '../errors/tenancy-error.js';
import type { TenantIdFormat } from './parse-tenant-id.js';
import { parseTenantId } from './parse-tenant-id.js';

function thrown(fn: () => unknown): TenancyError {
  try {
    fn();
  } catch (error) {
    if (isTenancyError(error)) return error;
    throw error;
  }
  throw new Error('expected a TenancyError, nothing was thrown');
}

const UUID = '0190f3a2-7c1b-7d4e-9a6b-3c2d1e0f4a5b';

describe('parseTenantId', () => {
  it.each<[string, TenantIdFormat, string]>([
    [UUID, 'uuid', UUID],
    [UUID.toUpperCase(), 'uuid', UUID],
    ['0190F3a2-7C1b-7d4E-9a6b-3c2d1e0f4A5B', 'uuid', UUID],
    ['ffffffff-ffff-ffff-ffff-ffffffffffff', 'uuid', 'ffffffff-ffff-ffff-ffff-ffffffffffff'],
    ['0', 'bigint', '0'],
    ['42', 'bigint', '42'],
    ['9223372036854775807', 'bigint', '9223372036854775807'],
    ['org_2NNkqYbH0x', 'text', 'org_2NNkqYbH0x'],
    ['Tenant.01-b', 'text', 'Tenant.01-b'],
    ['a'.repeat(128), 'text', 'a'.repeat(128)],
  ])('accepts %j as a %s id and returns %j', (value, format, expected) => {
    expect(parseTenantId(value, format)).toBe(expected);
  });

  it('defaults to uuid', () => {
    expect(parseTenantId(UUID.toUpperCase())).toBe(UUID);
    expect(thrown(() => parseTenantId('42')).message).toContain('is not a uuid');
  });

  it.each<[string, TenantIdFormat, string]>([
    ['', 'uuid', 'is empty'],
    [`{${UUID}}`, 'uuid', 'is not a uuid'],
    [`urn:uuid:${UUID}`, 'uuid', 'is not a uuid'],
    [UUID.replaceAll('-', ''), 'uuid', 'is not a uuid'],
    [` ${UUID}`, 'uuid', 'is not a uuid'],
    [`${UUID}\n`, 'uuid', 'is not a uuid'],
    [`${UUID}\u0000`, 'uuid', 'is not a uuid'],
    [`${UUID}' OR '1'='1`, 'uuid', 'is not a uuid'],
    [`${UUID}; DROP TABLE tenants; --`, 'uuid', 'is not a uuid'],
    [`${UUID}, ${UUID}`, 'uuid', 'is not a uuid'],
    ['0190f3a2-7c1b-7d4e-9a6b-3c2d1e0f4a5g', 'uuid', 'is not a uuid'],
    ['00000000-0000-0000-0000-000000000000', 'uuid', 'is the nil uuid'],
    ['9223372036854775808', 'bigint', 'is not an integer id'],
    ['99999999999999999999', 'bigint', 'is not an integer id'],
    ['-1', 'bigint', 'is not an integer id'],
    ['+1', 'bigint', 'is not an integer id'],
    ['007', 'bigint', 'is not an integer id'],
    ['1e3', 'bigint', 'is not an integer id'],
    ['0x10', 'bigint', 'is not an integer id'],
    ['1 OR 1=1', 'bigint', 'is not an integer id'],
    ['１２', 'bigint', 'is not an integer id'],
    ['a'.repeat(129), 'text', 'is longer than 128 characters'],
    ['x'.repeat(10_000), 'text', 'is longer than 128 characters'],
    ['_org', 'text', 'is not a text id'],
    ['..', 'text', 'is not a text id'],
    ['../other', 'text', 'is not a text id'],
    ['org 1', 'text', 'is not a text id'],
    ["org' OR '1'='1", 'text', 'is not a text id'],
    ['org%00', 'text', 'is not a text id'],
    ['org\u0001', 'text', 'is not a text id'],
  ])('refuses %j as a %s id: %s', (value, format, problem) => {
    const error = thrown(() => parseTenantId(value, format));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.status).toBe(400);
    expect(error.message).toContain(problem);
    // The message describes the problem and never echoes the value (short values like "-1" occur in any text).
    if (value.length >= 4) expect(error.message).not.toContain(value);
    expect(error.details).toEqual({ field: 'tenantId' });
  });

  it('refuses an unknown format as a configuration error', () => {
    expect(thrown(() => parseTenantId(UUID, 'int' as TenantIdFormat)).code).toBe('INVALID_CONFIG');
  });
});
