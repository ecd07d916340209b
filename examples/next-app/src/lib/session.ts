import { randomUUID } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';

/** The cookie holding the session JWT. Core's identity reads it (`identity.cookie`). */
export const SESSION_COOKIE = 'session';
/** The session token's audience: core only accepts tokens meant as sessions, never a hand-off token. */
export const SESSION_AUDIENCE = 'tenancy-example:session';
/** The claim that makes a user a platform admin (core's `platformAdminClaim`). */
export const PLATFORM_ADMIN_CLAIM = 'platform_admin';
/** How long a session lasts. */
export const SESSION_SECONDS = 8 * 60 * 60;

const HANDOFF_AUDIENCE = 'tenancy-example:handoff';
const HANDOFF_SECONDS = 60;

/** Who a session is for. */
export interface SessionUser {
  /** `tenancy.users.id`: the token's `sub`, which reaches the database as `tenancy.user_id`. */
  readonly userId: string;
  readonly platformAdmin: boolean;
}

const key = (secret: string) => new TextEncoder().encode(secret);

/**
 * Signs a session token (HS256) for the session cookie.
 * @example
 * const token = await signSession(secret, { userId, platformAdmin: false });
 */
export function signSession(secret: string, user: SessionUser): Promise<string> {
  return new SignJWT(user.platformAdmin ? { [PLATFORM_ADMIN_CLAIM]: true } : {})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(user.userId)
    .setAudience(SESSION_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${SESSION_SECONDS}s`)
    .sign(key(secret));
}

/** The options of the session cookie: httpOnly, SameSite=Lax, host-only (no `Domain`), Secure over https. */
export function sessionCookieOptions(secure: boolean) {
  return { httpOnly: true, sameSite: 'lax', secure, path: '/', maxAge: SESSION_SECONDS } as const;
}

/**
 * Signs a one-minute, single-use token that carries a signed-in user to another tenant's subdomain. Browsers keep
 * cookies per host (and refuse `Domain=localhost`), so `globex.localhost` cannot see the session of
 * `acme.localhost`: the switcher hands the session over instead. The token names the target tenant and is only
 * accepted there.
 * @example
 * const token = await signHandoff(secret, { userId, platformAdmin: false }, globex.id);
 */
export function signHandoff(secret: string, user: SessionUser, tenantId: string): Promise<string> {
  return new SignJWT({ tid: tenantId, ...(user.platformAdmin ? { [PLATFORM_ADMIN_CLAIM]: true } : {}) })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(user.userId)
    .setAudience(HANDOFF_AUDIENCE)
    .setJti(randomUUID())
    .setIssuedAt()
    .setExpirationTime(`${HANDOFF_SECONDS}s`)
    .sign(key(secret));
}

// Hand-off token ids already used, until they expire. One process only: an app with several instances keeps these
// in a shared store (Redis SET NX with the token's expiry) instead.
const usedHandoffs = new Map<string, number>();

/**
 * Verifies a hand-off token for `tenantId` and consumes it: `undefined` when it is invalid, expired, meant for
 * another tenant or already used. The caller still resolves the new session through core (membership, status).
 * @example
 * const user = await consumeHandoff(secret, token, tenant.id);
 */
export async function consumeHandoff(
  secret: string,
  token: string,
  tenantId: string,
  now = Date.now(),
): Promise<SessionUser | undefined> {
  let payload: Awaited<ReturnType<typeof jwtVerify>>['payload'];
  try {
    ({ payload } = await jwtVerify(token, key(secret), {
      algorithms: ['HS256'],
      audience: HANDOFF_AUDIENCE,
      requiredClaims: ['sub', 'jti', 'exp'],
      currentDate: new Date(now),
    }));
  } catch {
    return undefined;
  }
  if (payload['tid'] !== tenantId || typeof payload.sub !== 'string' || typeof payload.jti !== 'string') {
    return undefined;
  }
  for (const [jti, expiresAt] of usedHandoffs) if (expiresAt <= now) usedHandoffs.delete(jti);
  if (usedHandoffs.has(payload.jti)) return undefined;
  usedHandoffs.set(payload.jti, (payload.exp ?? 0) * 1000);
  return { userId: payload.sub, platformAdmin: payload[PLATFORM_ADMIN_CLAIM] === true };
}
