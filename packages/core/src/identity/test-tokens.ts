// Test support only (not exported): real keys and real signed tokens, so identity tests exercise jose end to end.
import type { JWTHeaderParameters, JWTPayload } from 'jose';
import { base64url, exportJWK, exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { isTenancyError } from '../errors/tenancy-error.js';

/** A fixed clock for tests: 2030-01-01T00:00:00Z, in ms. */
export const NOW_MS = Date.UTC(2030, 0, 1);
/** {@link NOW_MS} in seconds, the unit of `exp`/`nbf`/`iat`. */
export const NOW = NOW_MS / 1000;

/** A 32-byte HS256 secret. */
export const SECRET = 'a-test-secret-of-at-least-32-bytes!';

export async function keyPair(alg: 'RS256' | 'ES256', kid: string) {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return { alg, kid, publicKey, privateKey, jwk, pem: await exportSPKI(publicKey) };
}

/** Signs `payload` (defaults: sub, exp an hour after {@link NOW}) with `key` under `header`. */
export function sign(
  key: CryptoKey | Uint8Array,
  header: JWTHeaderParameters,
  payload: Record<string, unknown> = {},
): Promise<string> {
  // Undefined values drop out in JSON: `{ exp: undefined }` signs a token without `exp`.
  const claims = { sub: 'user_1', exp: NOW + 3600, iat: NOW, ...payload } as JWTPayload;
  return new SignJWT(claims).setProtectedHeader(header).sign(key);
}

export const secretBytes = (secret: string = SECRET) => new TextEncoder().encode(secret);

/** An unsigned token with the given header and payload, as an attacker would hand-craft it. */
export function craft(header: Record<string, unknown>, payload: Record<string, unknown>, signature = ''): string {
  const part = (value: unknown) => base64url.encode(JSON.stringify(value));
  return `${part(header)}.${part(payload)}.${signature}`;
}

/** Runs `fn` and returns the TenancyError code and message it failed with, or 'resolved'. */
export async function failure(fn: () => Promise<unknown>): Promise<{ code: string; message: string; cause: unknown }> {
  try {
    await fn();
  } catch (error) {
    if (isTenancyError(error)) return { code: error.code, message: error.message, cause: error.cause };
    return { code: 'not a TenancyError', message: String(error), cause: error };
  }
  return { code: 'resolved', message: '', cause: undefined };
}
