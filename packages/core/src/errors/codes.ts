/**
 * Every error code tenancy can raise. Adapters map them to HTTP status with {@link httpStatusOf}.
 * @see https://github.com/tenancy/tenancy/blob/main/docs/errors.md
 */
export const TENANCY_ERROR_CODES = {
  /** Code that needs a tenant ran without one in context. Fail closed: no tenant, no data. */
  TENANT_REQUIRED: 'TENANT_REQUIRED',
  /** The resolved tenant identifier matches no tenant (or a deleted one). */
  TENANT_NOT_FOUND: 'TENANT_NOT_FOUND',
  /** The tenant exists but is suspended; nothing may run on its behalf. */
  TENANT_SUSPENDED: 'TENANT_SUSPENDED',
  /** Two resolution strategies produced different tenants for one request. */
  TENANT_AMBIGUOUS: 'TENANT_AMBIGUOUS',
  /** The principal is not a member of the tenant it is acting in. */
  MEMBERSHIP_REQUIRED: 'MEMBERSHIP_REQUIRED',
  /** The principal is a member but lacks the permission the action needs. */
  PERMISSION_DENIED: 'PERMISSION_DENIED',
  /** No verified principal: missing, malformed, expired or unverifiable credentials. */
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  /** The configuration handed to a `create*` function or the CLI is invalid. */
  INVALID_CONFIG: 'INVALID_CONFIG',
  /** Input from outside (a header, an identifier, a body) is malformed. */
  INVALID_INPUT: 'INVALID_INPUT',
  /** A value that must be unique (slug, domain, membership) already exists. */
  CONFLICT: 'CONFLICT',
  /** Too many requests for this key. */
  RATE_LIMITED: 'RATE_LIMITED',
  /** A database operation failed in a way the caller cannot fix by changing input. */
  DATABASE_ERROR: 'DATABASE_ERROR',
  /** An unexpected internal failure. The message never carries tenant data. */
  INTERNAL: 'INTERNAL',
} as const;

export type TenancyErrorCode = keyof typeof TENANCY_ERROR_CODES;

const STATUS: Record<TenancyErrorCode, number> = {
  TENANT_REQUIRED: 400,
  // 404, never 403: a client must not learn whether another tenant exists.
  TENANT_NOT_FOUND: 404,
  TENANT_SUSPENDED: 403,
  TENANT_AMBIGUOUS: 400,
  MEMBERSHIP_REQUIRED: 403,
  PERMISSION_DENIED: 403,
  UNAUTHENTICATED: 401,
  INVALID_CONFIG: 500,
  INVALID_INPUT: 400,
  CONFLICT: 409,
  RATE_LIMITED: 429,
  DATABASE_ERROR: 500,
  INTERNAL: 500,
};

/**
 * The HTTP status an adapter answers with for a tenancy error code. The one table every adapter uses.
 * @example
 * httpStatusOf('TENANT_NOT_FOUND'); // 404
 */
export function httpStatusOf(code: TenancyErrorCode): number {
  return STATUS[code];
}
