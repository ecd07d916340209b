import { isTenancyError, TenancyError } from '@tenancy/core';

// What a constraint violation means to the caller. Messages name the field, never the value: a conflicting slug or
// domain belongs to another tenant, and the caller must not learn more than "taken".
const CONFLICTS: Readonly<Record<string, string>> = {
  tenants_slug_key: 'The slug is taken by another tenant.',
  tenants_pkey: 'A tenant with this id exists.',
  domains_domain_key: 'The domain is taken.',
  domains_pkey: 'The domain is taken.',
  users_email_key: 'A user with this e-mail address exists.',
  users_pkey: 'A user with this id exists.',
  memberships_pkey: 'The user is already a member of this tenant.',
  workspaces_slug_key: 'A workspace with this slug exists in this tenant.',
  workspaces_default_key: 'The tenant already has a default workspace.',
  roles_pkey: 'A role with this name exists in this tenant.',
  invitations_pending_key: 'An invitation for this e-mail address is pending.',
};

interface PgErrorLike {
  code?: unknown;
  constraint_name?: unknown;
}

/**
 * Turns a PostgreSQL error from the foundation tables into a TenancyError: unique violations -> CONFLICT, check and
 * foreign-key violations -> INVALID_INPUT, everything else -> DATABASE_ERROR. TenancyErrors pass through unchanged.
 */
export function toTenancyError(error: unknown, action: string): TenancyError {
  if (isTenancyError(error)) return error;
  const pg = (typeof error === 'object' && error !== null ? error : {}) as PgErrorLike;
  const constraint = typeof pg.constraint_name === 'string' ? pg.constraint_name : undefined;
  switch (pg.code) {
    case '23505':
      return new TenancyError(
        'CONFLICT',
        (constraint && CONFLICTS[constraint]) ?? `${action}: a unique value is taken.`,
        {
          cause: error,
          ...(constraint === undefined ? {} : { details: { constraint } }),
        },
      );
    case '23514':
    case '23502':
    case '22P02':
    case '22001':
      return new TenancyError(
        'INVALID_INPUT',
        `${action}: a value is not valid${constraint ? ` (${constraint})` : ''}.`,
        {
          cause: error,
          ...(constraint === undefined ? {} : { details: { constraint } }),
        },
      );
    case '23503':
      return new TenancyError(
        'INVALID_INPUT',
        `${action}: it refers to a row that does not exist or is still in use.`,
        {
          cause: error,
          ...(constraint === undefined ? {} : { details: { constraint } }),
        },
      );
    default:
      return new TenancyError('DATABASE_ERROR', `${action} failed in the database.`, { cause: error });
  }
}
