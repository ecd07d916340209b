import { errors } from 'jose';
import { isTenancyError, TenancyError } from '../errors/tenancy-error.js';

const MESSAGES: Readonly<Record<string, string>> = {
  ERR_JWT_EXPIRED: 'The token has expired. Sign in again or refresh it.',
  ERR_JWS_SIGNATURE_VERIFICATION_FAILED: 'The token signature is invalid.',
  ERR_JOSE_ALG_NOT_ALLOWED: 'The token is signed with an algorithm that is not allowed.',
  ERR_JOSE_NOT_SUPPORTED: 'The token uses an algorithm or key type that is not supported.',
  ERR_JWKS_NO_MATCHING_KEY: 'No configured key matches the token (unknown "kid" or algorithm).',
  ERR_JWKS_MULTIPLE_MATCHING_KEYS: 'Several configured keys match the token; it must name one with "kid".',
  ERR_JWS_INVALID: 'The token is malformed.',
  ERR_JWT_INVALID: 'The token is malformed.',
};

const CLAIM_MESSAGES: Readonly<Record<string, string>> = {
  'exp:missing': 'The token has no expiry ("exp" claim); tokens that never expire are refused.',
  'nbf:check_failed': 'The token is not valid yet ("nbf" is in the future).',
  'iss:missing': 'The token has no issuer ("iss" claim).',
  'iss:check_failed': 'The token was issued by an unexpected issuer.',
  'aud:missing': 'The token has no audience ("aud" claim).',
  'aud:check_failed': 'The token is meant for another audience.',
  'sub:missing': 'The token has no subject ("sub" claim).',
};

// Failures to get the keys are ours (network, the issuer's endpoint), not the caller's: 401 would send a user to
// sign in again for nothing.
const KEY_FETCH_FAILURES = new Set(['ERR_JWKS_TIMEOUT', 'ERR_JWKS_INVALID', 'ERR_JOSE_GENERIC']);

/**
 * Turns a failure of token verification into a TenancyError that says what was wrong without echoing the token:
 * `UNAUTHENTICATED` for anything about the token, `INTERNAL` when the keys could not be fetched. The jose error is
 * kept as `cause` for logs.
 */
export function toVerificationError(error: unknown): TenancyError {
  if (isTenancyError(error)) return error;
  if (error instanceof errors.JOSEError) {
    if (error instanceof errors.JWTClaimValidationFailed) {
      const message =
        CLAIM_MESSAGES[`${error.claim}:${error.reason}`] ?? `The token's "${error.claim}" claim failed validation.`;
      return new TenancyError('UNAUTHENTICATED', message, { cause: error });
    }
    if (KEY_FETCH_FAILURES.has(error.code)) {
      return new TenancyError('INTERNAL', 'The signing keys (JWKS) could not be fetched; try again later.', {
        cause: error,
      });
    }
    return new TenancyError('UNAUTHENTICATED', MESSAGES[error.code] ?? 'The token could not be verified.', {
      cause: error,
    });
  }
  // Not from jose: a network error fetching the key set, or a bug. Never blame the caller's token for it.
  return new TenancyError('INTERNAL', 'Token verification failed unexpectedly.', { cause: error });
}
