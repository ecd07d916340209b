import type { JSONWebKeySet, JWK } from 'jose';
import { z } from 'zod';
import { TenancyError } from '../errors/tenancy-error.js';

/** The JWS algorithms tenancy verifies. `none` is not among them and cannot be configured. */
export const JWT_ALGORITHMS = [
  'HS256',
  'HS384',
  'HS512',
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
] as const;

/** A JWS algorithm tenancy verifies. */
export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];

/** The claims of a verified token, as the principal carries them. `sub` and `exp` are always present. */
export type VerifiedClaims = Readonly<Record<string, unknown>> & { readonly sub: string; readonly exp: number };

/**
 * Options for {@link createIdentity}. Give exactly one key source: `secret`, `jwksUrl`, `jwks` or `publicKey`.
 * @see https://github.com/tenancy/tenancy/blob/main/docs/identity.md#options
 */
export interface IdentityOptions {
  /**
   * Shared secret for HS256/384/512, as text (its UTF-8 bytes are the key) or bytes. At least 32 bytes for HS256,
   * 48 for HS384, 64 for HS512 (RFC 7518: no shorter than the hash).
   */
  secret?: string | Uint8Array | undefined;
  /** URL of a JSON Web Key Set, fetched and cached by jose. `https:` only, except on loopback hosts. */
  jwksUrl?: string | URL | undefined;
  /** A JSON Web Key Set held locally (public keys only). */
  jwks?: JSONWebKeySet | undefined;
  /** One public key: PEM (SPKI), a public JWK, or a `CryptoKey`. */
  publicKey?: string | JWK | CryptoKey | undefined;
  /**
   * The algorithms a token may be signed with; the token's own `alg` is only checked against this list.
   * Default `['HS256']` with a `secret`; required with any other key source. Symmetric and asymmetric never mix.
   */
  algorithms?: readonly JwtAlgorithm[] | undefined;
  /** Expected `iss`; when set, a token without it or with another one is refused. */
  issuer?: string | readonly string[] | undefined;
  /** Expected `aud`; when set, a token must name (one of) it. */
  audience?: string | readonly string[] | undefined;
  /** Leeway for `exp`, `nbf` (and `iat`) between our clock and the issuer's, in seconds. Default 5. */
  clockToleranceSec?: number | undefined;
  /** Also read the token from this cookie (the raw compact JWT as its value). Default: the header only. */
  cookie?: string | undefined;
  /**
   * The claim that marks a platform admin; only the value `true` counts. A dot path (`'app_metadata.platform_admin'`)
   * or the path's segments, for claim names that contain dots (`['https://example.com/claims', 'admin']`).
   */
  platformAdminClaim?: string | readonly string[] | undefined;
  /** Decides platform admin from the verified claims instead of `platformAdminClaim`; only `true` counts. */
  isPlatformAdmin?: ((claims: VerifiedClaims) => boolean) | undefined;
  /** Fetching of `jwksUrl`: timeout, cooldown between refetches for unknown `kid`s, and maximum cache age. */
  jwksFetch?:
    | { timeoutMs?: number | undefined; cooldownMs?: number | undefined; cacheMaxAgeMs?: number | undefined }
    | undefined;
  /**
   * Remembers tokens that verified, keyed by the exact token string, so a session's repeated requests skip the
   * signature check (the bulk of a request's cost). `exp` is still checked on every use; an entry lives at most
   * `ttlMs` (default 60 s), so a key removed from a JWKS stops being honoured within that time. `false` turns it off.
   * Default `{ max: 10_000, ttlMs: 60_000 }`.
   */
  verifiedTokenCache?: { max?: number | undefined; ttlMs?: number | undefined } | false | undefined;
  /** The clock in ms since the epoch. Meant for tests; default `Date.now`. */
  now?: (() => number) | undefined;
}

const HMAC_MIN_BYTES: Readonly<Record<string, number>> = { HS256: 32, HS384: 48, HS512: 64 };
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);
// No control characters or spaces: a cookie name is an RFC 6265 token.
const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

const isFunction = (value: unknown) => typeof value === 'function';
const stringList = z.union([z.string().min(1), z.array(z.string().min(1)).min(1).readonly()]);
const positiveMs = z.int().positive().optional();

const schema = z
  .strictObject({
    secret: z.union([z.string(), z.instanceof(Uint8Array)]).optional(),
    jwksUrl: z.union([z.string(), z.instanceof(URL)]).optional(),
    jwks: z
      .looseObject({
        keys: z
          .array(
            z
              .looseObject({
                // Symmetric keys belong in `secret`: one in a key set would let HS tokens through an asymmetric setup.
                kty: z.string().refine((kty) => kty !== 'oct', 'Symmetric ("oct") keys are not allowed in a key set'),
              })
              // A key set is published; private key material in it is a leak waiting to happen.
              .refine((jwk) => !Object.hasOwn(jwk, 'd'), {
                path: ['d'],
                message: 'Private key material ("d") is not allowed in a key set',
              }),
          )
          .min(1),
      })
      .optional(),
    publicKey: z
      .union([
        z
          .string()
          .regex(/^\s*-----BEGIN PUBLIC KEY-----[\s\S]+-----END PUBLIC KEY-----\s*$/, 'Expected a PEM SPKI key'),
        z
          .looseObject({ kty: z.string().refine((kty) => kty !== 'oct', 'Use `secret` for symmetric keys') })
          .refine((jwk) => !Object.hasOwn(jwk, 'd'), {
            path: ['d'],
            message: 'Expected a public key, got private key material ("d")',
          }),
        z.custom<CryptoKey>(
          (value) => typeof CryptoKey !== 'undefined' && value instanceof CryptoKey && value.type === 'public',
          'Expected a public CryptoKey',
        ),
      ])
      .optional(),
    algorithms: z.array(z.enum(JWT_ALGORITHMS)).min(1).readonly().optional(),
    issuer: stringList.optional(),
    audience: stringList.optional(),
    clockToleranceSec: z.number().min(0).max(300).optional(),
    cookie: z.string().regex(COOKIE_NAME, 'Expected a cookie name (RFC 6265 token)').optional(),
    platformAdminClaim: z
      .union([
        z.string().regex(/^[^.]+(\.[^.]+)*$/, 'Expected a dot path'),
        z.array(z.string().min(1)).min(1).readonly(),
      ])
      .optional(),
    isPlatformAdmin: z.custom<(claims: VerifiedClaims) => boolean>(isFunction, 'Expected a function').optional(),
    jwksFetch: z.strictObject({ timeoutMs: positiveMs, cooldownMs: positiveMs, cacheMaxAgeMs: positiveMs }).optional(),
    verifiedTokenCache: z
      .union([
        z.literal(false),
        z.strictObject({
          max: z.int().min(1).max(1_000_000).optional(),
          ttlMs: z.int().min(1).max(3_600_000).optional(),
        }),
      ])
      .optional(),
    now: z.custom<() => number>(isFunction, 'Expected a function').optional(),
  })
  .superRefine((options, ctx) => {
    const sources = (['secret', 'jwksUrl', 'jwks', 'publicKey'] as const).filter((k) => options[k] !== undefined);
    if (sources.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: sources.length === 0 ? [] : [sources[1] ?? 'secret'],
        message: 'Give exactly one key source: secret, jwksUrl, jwks or publicKey',
      });
      return;
    }
    if (options.platformAdminClaim !== undefined && options.isPlatformAdmin !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['isPlatformAdmin'],
        message: 'Give platformAdminClaim or isPlatformAdmin, not both',
      });
    }
    const symmetric = options.secret !== undefined;
    if (options.algorithms === undefined) {
      if (!symmetric) {
        ctx.addIssue({ code: 'custom', path: ['algorithms'], message: 'List the algorithms your issuer signs with' });
      }
    } else {
      // One key source, one family: an allow-list that mixes HS and asymmetric algorithms is how a public key ends
      // up used as an HMAC secret (algorithm confusion).
      options.algorithms.forEach((alg, index) => {
        if (alg.startsWith('HS') !== symmetric) {
          ctx.addIssue({
            code: 'custom',
            path: ['algorithms', index],
            message: symmetric ? 'A secret verifies HS* algorithms only' : 'HS* algorithms need a secret',
          });
        }
      });
    }
    if (options.secret !== undefined) {
      const bytes = typeof options.secret === 'string' ? new TextEncoder().encode(options.secret) : options.secret;
      for (const alg of options.algorithms ?? ['HS256']) {
        const min = HMAC_MIN_BYTES[alg];
        if (min !== undefined && bytes.byteLength < min) {
          ctx.addIssue({
            code: 'custom',
            path: ['secret'],
            message: `An ${alg} secret needs at least ${min} bytes`,
          });
          break;
        }
      }
    }
    if (options.jwksUrl !== undefined) {
      let url: URL | undefined;
      try {
        url = new URL(options.jwksUrl);
      } catch {
        ctx.addIssue({ code: 'custom', path: ['jwksUrl'], message: 'Expected an absolute URL' });
      }
      // Keys fetched over plain HTTP can be swapped by anyone on the path, and with them every identity.
      if (url !== undefined && url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) {
        ctx.addIssue({ code: 'custom', path: ['jwksUrl'], message: 'Expected an https: URL (http: only on loopback)' });
      }
    }
  });

/** The identity options after validation, with defaults applied. */
export interface ResolvedIdentityOptions extends IdentityOptions {
  readonly algorithms: readonly JwtAlgorithm[];
  readonly clockToleranceSec: number;
}

/** Validates `createIdentity()` options; throws INVALID_CONFIG naming the option that was wrong. */
export function parseIdentityOptions(options: IdentityOptions): ResolvedIdentityOptions {
  const parsed = schema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.map(String) ?? [];
    throw new TenancyError(
      'INVALID_CONFIG',
      `Invalid createIdentity() option at "${path.join('.') || '(root)'}": ${issue?.message ?? 'invalid'}.`,
      { details: { path }, cause: parsed.error },
    );
  }
  // The caller's values, not zod's copies: keys and callbacks are used as given.
  return {
    ...options,
    algorithms: options.algorithms ?? ['HS256'],
    clockToleranceSec: options.clockToleranceSec ?? 5,
  };
}
