import { TenancyError } from '@tenancy/core';
import { NotFoundError } from './not-found.js';

interface PgErrorLike {
  readonly code?: unknown;
  readonly constraint_name?: unknown;
  readonly cause?: unknown;
}

// Drizzle wraps the driver's error (DrizzleQueryError, with the PostgresError as `cause`).
function postgresErrorOf(error: unknown): PgErrorLike {
  const outer = (typeof error === 'object' && error !== null ? error : {}) as PgErrorLike;
  if (typeof outer.code === 'string') return outer;
  const inner = outer.cause;
  return (typeof inner === 'object' && inner !== null ? inner : {}) as PgErrorLike;
}

/**
 * Translates what the database refused into the API's answers, and rethrows. A foreign key that finds no row means the
 * referenced id is not in this tenant (RLS and the composite keys make another tenant's row look absent): 404 for the
 * thing `foreignKeys` names. A unique violation is a 409. A row-level security refusal is a 403: the database's own
 * permission check said no. Anything else goes on as it is (a 500 with a generic body).
 */
export function rethrowDatabaseError(error: unknown, foreignKeys: Readonly<Record<string, string>> = {}): never {
  const pg = postgresErrorOf(error);
  const constraint = typeof pg.constraint_name === 'string' ? pg.constraint_name : '';
  if (pg.code === '23503' && Object.hasOwn(foreignKeys, constraint)) {
    throw new NotFoundError(foreignKeys[constraint] ?? 'row');
  }
  if (pg.code === '23505') {
    throw new TenancyError('CONFLICT', 'A value that must be unique is taken.', { cause: error });
  }
  if (pg.code === '42501') {
    throw new TenancyError('PERMISSION_DENIED', 'The database refused this change for your role.', { cause: error });
  }
  throw error;
}
