import { isTenancyError, TenancyError } from '@tenancy/core';
import type { AcceptedInvitation, ResolvedTenancyConfig, TenantLifecycle } from '@tenancy/postgres';
import type postgres from 'postgres';
import { TENANT_ROLES } from '../permissions.js';
import { findCredentials, setInitialPassword } from './credentials.js';
import { hashPassword, verifyPassword } from './passwords.js';

/** What the account flows need: the platform-path client, the config, and the lifecycle. */
export interface AccountDeps {
  readonly sql: postgres.Sql;
  readonly tenancyConfig: ResolvedTenancyConfig;
  readonly lifecycle: TenantLifecycle;
}

/** Input of {@link signUp}: the new tenant and its owner. */
export interface SignUpInput {
  tenant: { slug: string; name: string };
  email: string;
  password: string;
  displayName?: string | undefined;
}

/** What {@link signUp} created. */
export interface SignUpResult {
  tenant: { id: string; slug: string; name: string };
  workspace: { id: string; slug: string; name: string };
  user: { id: string; email: string };
}

/** Input of {@link acceptInvite}. */
export interface AcceptInviteInput {
  token: string;
  email: string;
  password: string;
  displayName?: string | undefined;
}

// An existing account must prove its password before it can own a new tenant or join one; a new account gets its
// password hashed now, outside any transaction (scrypt takes tens of milliseconds).
async function proveOrPrepare(deps: AccountDeps, email: string, password: string): Promise<string | undefined> {
  const found = await findCredentials(deps.sql, deps.tenancyConfig, email);
  if (found?.passwordHash !== undefined) {
    if (!(await verifyPassword(password, found.passwordHash))) {
      throw new TenancyError('UNAUTHENTICATED', 'An account with this e-mail address exists: use its password.');
    }
    return undefined;
  }
  return hashPassword(password);
}

/**
 * Onboards a tenant: the tenant, its owner (new, or existing with the right password), the default workspace and the
 * app's roles, in one audited transaction of the lifecycle. A taken slug is 409 CONFLICT, a malformed or reserved one
 * 400 INVALID_INPUT. The example does not verify e-mail addresses; a real sign-up would before granting anything.
 */
export async function signUp(deps: AccountDeps, input: SignUpInput): Promise<SignUpResult> {
  const newHash = await proveOrPrepare(deps, input.email, input.password);
  const created = await deps.lifecycle.createTenant({
    slug: input.tenant.slug,
    name: input.tenant.name,
    owner: { email: input.email, ...(input.displayName === undefined ? {} : { displayName: input.displayName }) },
    roles: TENANT_ROLES,
  });
  if (newHash !== undefined) await setInitialPassword(deps.sql, deps.tenancyConfig, created.owner.id, newHash);
  return {
    tenant: { id: created.tenant.id, slug: created.tenant.slug, name: created.tenant.name },
    workspace: created.workspace,
    user: { id: created.owner.id, email: created.owner.email },
  };
}

// One answer for a bad token and for a wrong password of an existing account: otherwise anyone could ask, token or
// not, whether an e-mail address has an account here.
const INVITE_REFUSED = 'The invitation is invalid, expired or used, or the password is not the one of this account.';

/**
 * Accepts an invitation: only for the invited e-mail address, once, before it expires (the lifecycle checks all three).
 * A new user sets their password here; an existing one proves theirs. Every refusal of the token or the password is
 * the same 400 INVALID_INPUT.
 */
export async function acceptInvite(deps: AccountDeps, input: AcceptInviteInput): Promise<AcceptedInvitation> {
  let newHash: string | undefined;
  let accepted: AcceptedInvitation;
  try {
    newHash = await proveOrPrepare(deps, input.email, input.password);
    accepted = await deps.lifecycle.acceptInvitation({
      token: input.token,
      user: { email: input.email, ...(input.displayName === undefined ? {} : { displayName: input.displayName }) },
    });
  } catch (error) {
    if (isTenancyError(error, 'UNAUTHENTICATED') || isTenancyError(error, 'INVALID_INPUT')) {
      throw new TenancyError('INVALID_INPUT', INVITE_REFUSED, { details: { field: 'token' } });
    }
    throw error;
  }
  if (newHash !== undefined) await setInitialPassword(deps.sql, deps.tenancyConfig, accepted.userId, newHash);
  return accepted;
}
