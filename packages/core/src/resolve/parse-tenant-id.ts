import { TenancyError } from '../errors/tenancy-error.js';

/**
 * How tenant ids look. `uuid` (default): 8-4-4-4-12 hex digits, returned in canonical lowercase form.
 * `bigint`: decimal digits without sign or leading zeros, within PostgreSQL int8 range. `text`: 1–128 characters of
 * `A-Z a-z 0-9 _ . -` starting with a letter or digit (ids from Clerk, WorkOS and similar).
 * @see https://github.com/tenancy/tenancy/blob/main/docs/resolution.md#identifier-rules
 */
export type TenantIdFormat = 'uuid' | 'text' | 'bigint';

/** Every {@link TenantIdFormat}, for schemas and option validation. */
export const TENANT_ID_FORMATS = ['uuid', 'text', 'bigint'] as const satisfies readonly TenantIdFormat[];

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const NIL_UUID = '00000000-0000-0000-0000-000000000000';
const BIGINT = /^(?:0|[1-9][0-9]{0,18})$/;
const INT8_MAX = '9223372036854775807';
const TEXT_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

/**
 * Validates a tenant id from outside (a header, a claim, a path, a job) and returns its canonical form; throws
 * `INVALID_INPUT` saying what was wrong, without repeating the value. Call it before an id reaches any store or query.
 * @example
 * parseTenantId('0190F3A2-7C1B-7D4E-9A6B-3C2D1E0F4A5B'); // '0190f3a2-7c1b-7d4e-9a6b-3c2d1e0f4a5b'
 * parseTenantId('42', 'bigint');                          // '42'
 * parseTenantId('{0190f3a2-7c1b-7d4e-9a6b-3c2d1e0f4a5b}'); // throws INVALID_INPUT
 * @see https://github.com/tenancy/tenancy/blob/main/docs/resolution.md#identifier-rules
 */
export function parseTenantId(value: string, format: TenantIdFormat = 'uuid'): string {
  return parseTenantIdFrom(value, format, 'The tenant id');
}

/** {@link parseTenantId} with the subject of the error message named (`The tenant id from "header:x-tenant-id"`). */
export function parseTenantIdFrom(value: string, format: TenantIdFormat, subject: string): string {
  if (typeof value !== 'string' || value.length === 0) throw idError(subject, 'is empty');
  switch (format) {
    case 'uuid':
      if (!UUID.test(value)) {
        throw idError(subject, 'is not a uuid (expected 8-4-4-4-12 hexadecimal digits, without braces or prefix)');
      }
      // RFC 9562 uuids compare case-insensitively. One spelling per tenant keeps cache keys and comparisons exact:
      // an uppercase copy must not become a second cache entry that invalidation by id would miss.
      value = value.toLowerCase();
      // The nil uuid is what an unset column or a zeroed struct looks like, never a real tenant.
      if (value === NIL_UUID) throw idError(subject, 'is the nil uuid');
      return value;
    case 'bigint':
      if (!BIGINT.test(value) || (value.length === 19 && value > INT8_MAX)) {
        throw idError(
          subject,
          'is not an integer id (expected decimal digits without sign or leading zeros, up to 2^63-1)',
        );
      }
      return value;
    case 'text':
      if (!TEXT_ID.test(value)) {
        throw idError(
          subject,
          value.length > 128
            ? 'is longer than 128 characters'
            : 'is not a text id (expected A-Z, a-z, 0-9, "_", "." and "-", starting with a letter or digit)',
        );
      }
      return value;
    default:
      throw new TenancyError('INVALID_CONFIG', 'Unknown tenant id format: use "uuid", "text" or "bigint".', {
        details: { path: ['idFormat'] },
      });
  }
}

function idError(subject: string, problem: string): TenancyError {
  return new TenancyError('INVALID_INPUT', `${subject} ${problem}.`, { details: { field: 'tenantId' } });
}
