import { z } from 'zod';
import { TenancyError } from '../errors/tenancy-error.js';
import type { Principal } from '../model/principal.js';
import { deepFreeze } from '../store/deep-freeze.js';
import type { ResolvedIdentityOptions, VerifiedClaims } from './identity-options.js';

// The claims tenancy relies on, checked again after jose: the signature proves who wrote them, not that they are
// shaped the way we use them. Other claims pass through untouched.
const claimsSchema = z.looseObject({
  sub: z
    .string()
    .min(1)
    .max(255)
    // No control characters: `sub` becomes `tenancy.user_id` in the database and appears in logs.
    .regex(/^[^\p{Cc}]+$/u),
  exp: z.number(),
  nbf: z.number().optional(),
  iat: z.number().optional(),
  iss: z.string().optional(),
  aud: z.union([z.string(), z.array(z.string())]).optional(),
});

/** Decides whether verified claims belong to a platform admin. */
export type PlatformAdminCheck = (claims: VerifiedClaims) => boolean;

/** Builds the platform admin check from the options: a claim path, a callback, or "nobody". */
export function createPlatformAdminCheck(options: ResolvedIdentityOptions): PlatformAdminCheck {
  const { isPlatformAdmin, platformAdminClaim } = options;
  if (isPlatformAdmin !== undefined) {
    return (claims) => {
      try {
        return isPlatformAdmin(claims) === true;
      } catch (error) {
        throw new TenancyError('INTERNAL', 'The isPlatformAdmin callback threw.', { cause: error });
      }
    };
  }
  if (platformAdminClaim === undefined) return () => false;
  const path = typeof platformAdminClaim === 'string' ? platformAdminClaim.split('.') : [...platformAdminClaim];
  return (claims) => {
    let value: unknown = claims;
    for (const segment of path) {
      // Own properties only: `constructor` or `__proto__` must not resolve through the prototype chain.
      if (typeof value !== 'object' || value === null || !Object.hasOwn(value, segment)) return false;
      value = (value as Record<string, unknown>)[segment];
    }
    // Exactly `true`: a string "true", 1 or a non-empty object is not an admin grant.
    return value === true;
  };
}

/**
 * Maps a verified JWT payload to a {@link Principal}: `id` from `sub`, the claims frozen, `platformAdmin` from the
 * configured check. Throws `UNAUTHENTICATED` when a claim tenancy relies on is missing or malformed.
 */
export function toPrincipal(payload: Record<string, unknown>, isPlatformAdmin: PlatformAdminCheck): Principal {
  const parsed = claimsSchema.safeParse(payload);
  if (!parsed.success) {
    const claim = String(parsed.error.issues[0]?.path[0] ?? 'payload');
    throw new TenancyError('UNAUTHENTICATED', `The token's "${claim}" claim is missing or malformed.`, {
      cause: parsed.error,
    });
  }
  const claims = deepFreeze(payload) as VerifiedClaims;
  return Object.freeze({ id: claims.sub, claims, platformAdmin: isPlatformAdmin(claims) });
}
