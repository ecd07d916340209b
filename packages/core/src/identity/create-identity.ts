import type { JWTVerifyOptions } from 'jose';
import { jwtVerify } from 'jose';
import { LRUCache } from 'lru-cache';
import { TenancyError } from '../errors/tenancy-error.js';
import { twinOf, withTwin } from '../method-twin.js';
import type { Principal } from '../model/principal.js';
import type { RequestLike } from '../resolve/request-like.js';
import { extractToken } from './extract-token.js';
import type { IdentityOptions } from './identity-options.js';
import { parseIdentityOptions } from './identity-options.js';
import { toVerificationError } from './jose-error.js';
import { createPlatformAdminCheck, toPrincipal } from './to-principal.js';
import type { VerificationKey } from './verification-key.js';
import { createVerificationKey } from './verification-key.js';

/**
 * Verifies who is calling. Made by {@link createIdentity}.
 * @see https://github.com/tenancy/tenancy/blob/main/docs/identity.md
 */
export interface Identity {
  /**
   * The principal of a request: `undefined` when it carries no token, the verified principal when it carries a good
   * one; throws `UNAUTHENTICATED` when it carries a bad one (never falls back to anonymous).
   */
  authenticate(request: Request): Promise<Principal | undefined>;
  /** Verifies a compact JWT and maps it to a principal; throws `UNAUTHENTICATED` saying what was wrong. */
  verify(token: string): Promise<Principal>;
}

// The `authenticate` of an identity `createIdentity()` made carries, under this key, its promise-free twin (see
// method-twin.ts): it reads only the Authorization and Cookie headers, so `createTenancy()` may hand it an adapter's
// RequestLike (any other Identity gets a full `Request`), and it answers without a promise for a request without a
// token or with a token that verified before. An identity that replaces `authenticate` is answered by its own method.
const AUTHENTICATE_EAGER = Symbol.for('tenancy.identity.authenticateEager.v1');

/**
 * `Identity.authenticate` that reads only headers (so it also takes a RequestLike) and returns the principal itself
 * when it needs no promise. It may throw instead of rejecting.
 */
export type EagerAuthenticate = (
  request: Request | RequestLike,
) => Principal | undefined | Promise<Principal | undefined>;

/** The promise-free twin of an identity's `authenticate`, when `createIdentity()` made that method. */
export function eagerAuthenticateOf(identity: Identity): EagerAuthenticate | undefined {
  return twinOf<EagerAuthenticate>(identity.authenticate, AUTHENTICATE_EAGER);
}

// Far above any real access token (Supabase, Auth0, Clerk issue 1-2 kB), far below what would cost us to parse.
const MAX_TOKEN_LENGTH = 16 * 1024;

/**
 * Creates the JWT verifier: algorithms pinned by the config, `exp` required, `iss`/`aud` checked when configured,
 * keys from a shared secret, a JWKS URL, a local JWKS or a public key. Options are validated here (INVALID_CONFIG).
 * @example
 * const identity = createIdentity({
 *   secret: process.env.JWT_SECRET, // >= 32 bytes
 *   issuer: 'https://auth.example.com',
 *   audience: 'authenticated',
 *   platformAdminClaim: 'app_metadata.platform_admin',
 * });
 * const principal = await identity.authenticate(request); // undefined when anonymous
 * @see https://github.com/tenancy/tenancy/blob/main/docs/identity.md
 */
export function createIdentity(options: IdentityOptions): Identity {
  const config = parseIdentityOptions(options);
  const isPlatformAdmin = createPlatformAdminCheck(config);
  const verifyOptions: JWTVerifyOptions = {
    algorithms: [...config.algorithms],
    requiredClaims: ['exp', 'sub'],
    clockTolerance: config.clockToleranceSec,
    ...(config.issuer === undefined ? {} : { issuer: toList(config.issuer) }),
    ...(config.audience === undefined ? {} : { audience: toList(config.audience) }),
  };
  const now = config.now;

  // Imported once, here; requests await the same promise only until it has settled.
  let key: VerificationKey | undefined;
  const keyReady = createVerificationKey(config).then((imported) => {
    key = imported;
    return imported;
  });
  // The failure is reported by the first verify(); until then it must not surface as an unhandled rejection.
  keyReady.catch(() => undefined);

  const cacheOptions = config.verifiedTokenCache;
  const verified =
    cacheOptions === false
      ? undefined
      : new LRUCache<string, { principal: Principal; expMs: number }>({
          max: cacheOptions?.max ?? 10_000,
          ttl: cacheOptions?.ttlMs ?? 60_000,
          // Exact expiry: an entry must never outlive its TTL by lru-cache's default 1 s resolution.
          ttlResolution: 0,
          ...(now === undefined ? {} : { perf: { now: () => now() + 1 } }),
        });
  const toleranceMs = config.clockToleranceSec * 1000;

  // The principal of a token that verified before and has not expired since; `undefined` when jose has to verify it.
  const remembered = (token: string): Principal | undefined => {
    const hit = verified?.get(token);
    if (hit === undefined) return undefined;
    // Only the exact string that verified hits; `exp` is re-checked on every use, and an expired entry falls through
    // to jose so the caller gets the same error as without the cache.
    if ((now?.() ?? Date.now()) <= hit.expMs + toleranceMs) return hit.principal;
    verified?.delete(token);
    return undefined;
  };

  const verify = async (token: string): Promise<Principal> => {
    if (typeof token !== 'string' || token.length === 0) {
      throw new TenancyError('UNAUTHENTICATED', 'No token was given.');
    }
    if (token.length > MAX_TOKEN_LENGTH) throw new TenancyError('UNAUTHENTICATED', 'The token is too large.');
    const hit = remembered(token);
    if (hit !== undefined) return hit;
    const verificationKey = key ?? (await keyReady);
    let payload: Record<string, unknown>;
    try {
      const options = now === undefined ? verifyOptions : { ...verifyOptions, currentDate: new Date(now()) };
      ({ payload } = await jwtVerify(token, verificationKey, options));
    } catch (error) {
      throw toVerificationError(error);
    }
    const principal = toPrincipal(payload, isPlatformAdmin);
    // `requiredClaims` guarantees a numeric `exp` here; `nbf`, if any, has passed (jose checked it).
    if (verified !== undefined && typeof payload['exp'] === 'number') {
      verified.set(token, { principal, expMs: payload['exp'] * 1000 });
    }
    return principal;
  };

  const authenticateEager: EagerAuthenticate = (request) => {
    const token = extractToken(request, { cookie: config.cookie });
    if (token === undefined) return undefined;
    // What verify() does first, without its promise: extractToken never returns an empty token, and a token over the
    // size limit goes to verify() to be refused before it is looked up.
    return (token.length <= MAX_TOKEN_LENGTH ? remembered(token) : undefined) ?? verify(token);
  };

  const authenticate = async (request: Request | RequestLike): Promise<Principal | undefined> =>
    authenticateEager(request);
  return { verify, authenticate: withTwin(authenticate, AUTHENTICATE_EAGER, authenticateEager) };
}

function toList(value: string | readonly string[]): string | string[] {
  return typeof value === 'string' ? value : [...value];
}
