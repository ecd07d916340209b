import { beforeAll, describe, expect, it } from 'vitest';
import { isTenancyError } from '../errors/tenancy-error.js';
import type { IdentityOptions } from './identity-options.js';
import { parseIdentityOptions } from './identity-options.js';
import { keyPair, SECRET } from './test-tokens.js';

function refusal(options: unknown): { path: unknown; message: string } | string {
  try {
    parseIdentityOptions(options as IdentityOptions);
  } catch (error) {
    if (isTenancyError(error, 'INVALID_CONFIG')) {
      const { path } = error.details ?? {};
      return { path, message: error.message };
    }
    throw error;
  }
  return 'accepted';
}

let rsa: Awaited<ReturnType<typeof keyPair>>;
beforeAll(async () => {
  rsa = await keyPair('RS256', 'rsa-1');
});

describe('parseIdentityOptions', () => {
  it('applies defaults: HS256 for a secret, 5 s clock tolerance', () => {
    const parsed = parseIdentityOptions({ secret: SECRET });
    expect(parsed.algorithms).toEqual(['HS256']);
    expect(parsed.clockToleranceSec).toBe(5);
  });

  it('refuses an HS256 secret shorter than 32 bytes, naming the option', () => {
    expect(refusal({ secret: 'x'.repeat(31) })).toEqual({
      path: ['secret'],
      message: 'Invalid createIdentity() option at "secret": An HS256 secret needs at least 32 bytes.',
    });
    expect(refusal({ secret: 'x'.repeat(32) })).toBe('accepted');
    expect(refusal({ secret: new Uint8Array(31) })).toMatchObject({ path: ['secret'] });
  });

  it('requires the secret to be as long as the largest listed HS hash', () => {
    expect(refusal({ secret: 'x'.repeat(48), algorithms: ['HS256', 'HS512'] })).toMatchObject({
      path: ['secret'],
      message: 'Invalid createIdentity() option at "secret": An HS512 secret needs at least 64 bytes.',
    });
    expect(refusal({ secret: 'x'.repeat(48), algorithms: ['HS384'] })).toBe('accepted');
  });

  it('requires exactly one key source', () => {
    expect(refusal({})).toMatchObject({ path: [] });
    expect(refusal({ secret: SECRET, jwksUrl: 'https://auth.example.com/jwks.json' })).toMatchObject({
      path: ['jwksUrl'],
    });
  });

  it('refuses "none" and unknown algorithms', () => {
    expect(refusal({ secret: SECRET, algorithms: ['none'] })).toMatchObject({ path: ['algorithms', '0'] });
    expect(refusal({ secret: SECRET, algorithms: [] })).toMatchObject({ path: ['algorithms'] });
  });

  it('refuses to mix symmetric and asymmetric algorithms with one key source', () => {
    expect(refusal({ secret: SECRET, algorithms: ['HS256', 'RS256'] })).toMatchObject({
      path: ['algorithms', '1'],
    });
    expect(refusal({ publicKey: rsa.pem, algorithms: ['RS256', 'HS256'] })).toMatchObject({
      path: ['algorithms', '1'],
    });
  });

  it('requires the algorithms to be listed for every source but a secret', () => {
    expect(refusal({ publicKey: rsa.pem })).toMatchObject({ path: ['algorithms'] });
    expect(refusal({ jwks: { keys: [rsa.jwk] } })).toMatchObject({ path: ['algorithms'] });
    expect(refusal({ publicKey: rsa.pem, algorithms: ['RS256'] })).toBe('accepted');
  });

  it('accepts https JWKS URLs, and http only on loopback', () => {
    expect(refusal({ jwksUrl: 'https://auth.example.com/.well-known/jwks.json', algorithms: ['RS256'] })).toBe(
      'accepted',
    );
    expect(refusal({ jwksUrl: 'http://127.0.0.1:8080/jwks', algorithms: ['RS256'] })).toBe('accepted');
    expect(refusal({ jwksUrl: 'http://localhost/jwks', algorithms: ['RS256'] })).toBe('accepted');
    expect(refusal({ jwksUrl: 'http://auth.example.com/jwks', algorithms: ['RS256'] })).toMatchObject({
      path: ['jwksUrl'],
    });
    expect(refusal({ jwksUrl: 'not a url', algorithms: ['RS256'] })).toMatchObject({ path: ['jwksUrl'] });
  });

  it('refuses symmetric or private keys in a key set or as the public key', () => {
    expect(refusal({ jwks: { keys: [{ kty: 'oct', k: 'c2VjcmV0' }] }, algorithms: ['RS256'] })).toMatchObject({
      path: ['jwks', 'keys', '0', 'kty'],
    });
    expect(refusal({ jwks: { keys: [{ ...rsa.jwk, d: 'private' }] }, algorithms: ['RS256'] })).toMatchObject({
      path: ['jwks', 'keys', '0', 'd'],
    });
    expect(refusal({ jwks: { keys: [] }, algorithms: ['RS256'] })).toMatchObject({ path: ['jwks', 'keys'] });
    expect(refusal({ publicKey: rsa.privateKey, algorithms: ['RS256'] })).toMatchObject({ path: ['publicKey'] });
    expect(refusal({ publicKey: 'not a pem', algorithms: ['RS256'] })).toMatchObject({ path: ['publicKey'] });
  });

  it('refuses both platformAdminClaim and isPlatformAdmin, and a malformed claim path', () => {
    expect(refusal({ secret: SECRET, platformAdminClaim: 'a.b', isPlatformAdmin: () => true })).toMatchObject({
      path: ['isPlatformAdmin'],
    });
    expect(refusal({ secret: SECRET, platformAdminClaim: 'a..b' })).toMatchObject({ path: ['platformAdminClaim'] });
  });

  it('refuses unknown options, a negative clock tolerance and a cookie name with separators', () => {
    expect(refusal({ secret: SECRET, issuers: ['x'] })).toMatchObject({ path: [] });
    expect(refusal({ secret: SECRET, clockToleranceSec: -1 })).toMatchObject({ path: ['clockToleranceSec'] });
    expect(refusal({ secret: SECRET, cookie: 'a=b' })).toMatchObject({ path: ['cookie'] });
  });
});
