import type { JWK, JWTVerifyGetKey } from 'jose';
import { createLocalJWKSet, createRemoteJWKSet, importJWK, importSPKI } from 'jose';
import { TenancyError } from '../errors/tenancy-error.js';
import type { JwtAlgorithm, ResolvedIdentityOptions } from './identity-options.js';

/** What `jwtVerify` is handed: one key, or a function that picks one from the configured set by the token header. */
export type VerificationKey = CryptoKey | JWTVerifyGetKey;

const HMAC_HASH: Readonly<Record<string, string>> = { HS256: 'SHA-256', HS384: 'SHA-384', HS512: 'SHA-512' };

/**
 * Turns the configured key source into what `jwtVerify` needs, importing keys once here instead of per request.
 * The token header only ever selects among configured keys (by `alg`, and by `kid` in a key set): `jku`, `x5u` and
 * embedded `jwk` headers are never read, so a token cannot bring its own key.
 */
export async function createVerificationKey(options: ResolvedIdentityOptions): Promise<VerificationKey> {
  const { algorithms } = options;
  if (options.jwksUrl !== undefined) {
    const fetchOptions = options.jwksFetch ?? {};
    return createRemoteJWKSet(new URL(options.jwksUrl), {
      ...(fetchOptions.timeoutMs === undefined ? {} : { timeoutDuration: fetchOptions.timeoutMs }),
      ...(fetchOptions.cooldownMs === undefined ? {} : { cooldownDuration: fetchOptions.cooldownMs }),
      ...(fetchOptions.cacheMaxAgeMs === undefined ? {} : { cacheMaxAge: fetchOptions.cacheMaxAgeMs }),
    });
  }
  if (options.jwks !== undefined) return createLocalJWKSet(options.jwks);

  const keys = new Map<string, CryptoKey>();
  try {
    for (const alg of algorithms) keys.set(alg, await importFor(options, alg));
  } catch (error) {
    // Import errors describe the key's shape (wrong type, bad PEM), never its bytes, so the message is safe to show.
    const reason = error instanceof Error ? ` ${error.message}` : '';
    throw new TenancyError('INVALID_CONFIG', `The configured key could not be imported.${reason}`, { cause: error });
  }
  if (keys.size === 1) return keys.values().next().value as CryptoKey;
  // jose has already refused any `alg` outside `algorithms` when it calls this, so every lookup finds a key.
  return (header) => {
    const key = keys.get(header.alg);
    if (key === undefined) throw new TenancyError('INTERNAL', 'No key was imported for an allowed algorithm.');
    return key;
  };
}

function importFor(options: ResolvedIdentityOptions, alg: JwtAlgorithm): Promise<CryptoKey> {
  const hash = HMAC_HASH[alg];
  if (options.secret !== undefined && hash !== undefined) {
    // A copy, so the caller reusing its buffer cannot change the key.
    const bytes =
      typeof options.secret === 'string' ? new TextEncoder().encode(options.secret) : new Uint8Array(options.secret);
    // A CryptoKey bound to one hash: jose would otherwise re-import raw secret bytes on every verification.
    return crypto.subtle.importKey('raw', bytes, { name: 'HMAC', hash }, false, ['verify']);
  }
  const key = options.publicKey;
  if (typeof key === 'string') return importSPKI(key, alg);
  if (key instanceof CryptoKey) return Promise.resolve(key);
  if (key !== undefined) {
    const jwk = key as JWK;
    // A JWK that names its algorithm is used for that algorithm only.
    if (jwk.alg !== undefined && jwk.alg !== alg) {
      return Promise.reject(new Error(`The JWK is for ${jwk.alg}; list only that algorithm.`));
    }
    return importJWK(jwk, alg) as Promise<CryptoKey>;
  }
  return Promise.reject(new Error('No key source configured.'));
}
