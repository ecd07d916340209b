import { TenancyError } from '../errors/tenancy-error.js';
import type { CompiledRoleSet } from './compile-role-set.js';

// A private symbol, not Symbol.for: a grant is only valid for the model that compiled it, so another copy of the
// package (or another model) must not recognise it.
export const GRANT_OWNER: unique symbol = Symbol('tenancy.permissionGrant');

/** What every grant carries: the compiled role set it was built from. */
export interface OwnedGrant {
  readonly [GRANT_OWNER]: CompiledRoleSet;
}

export function foreignGrantError(): TenancyError {
  return new TenancyError(
    'INVALID_INPUT',
    'This permission grant was compiled by another permission model (or for platform roles); build it with the same model you check it with.',
  );
}
