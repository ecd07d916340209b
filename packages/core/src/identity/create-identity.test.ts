import { errors, UnsecuredJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { createIdentity } from './create-identity.js';
import type { IdentityOptions } from './identity-options.js';
import { craft, failure, keyPair, NOW, NOW_MS, SECRET, secretBytes, sign } from './test-tokens.js';

const hs = (options: Partial<IdentityOptions> = {}) =>
  createIdentity({ secret: SECRET, now: () => NOW_MS, ...options });

let rsa: Awaited<ReturnType<typeof keyPair>>;
let rsaOther: Awaited<ReturnType<typeof keyPair>>;
let ec: Awaited<ReturnType<typeof keyPair>>;

beforeAll(async () => {
  [rsa, rsaOther, ec] = await Promise.all([
    keyPair('RS256', 'rsa-1'),
    keyPair('RS256', 'rsa-2'),
    keyPair('ES256', 'ec-1'),
  ]);
});

describe('createIdentity with a shared secret (HS256)', () => {
  it('verifies a valid token and maps it to a principal', async () => {
    const token = await sign(secretBytes(), { alg: 'HS256' }, { sub: 'user_1', role: 'authenticated' });
    const principal = await hs().verify(token);
    expect(principal).toEqual({
      id: 'user_1',
      claims: { sub: 'user_1', exp: NOW + 3600, iat: NOW, role: 'authenticated' },
      platformAdmin: false,
    });
    expect(Object.isFrozen(principal.claims)).toBe(true);
  });

  it('refuses an expired token with UNAUTHENTICATED, says so, and keeps the jose error as cause', async () => {
    const token = await sign(secretBytes(), { alg: 'HS256' }, { exp: NOW - 60 });
    const result = await failure(() => hs().verify(token));
    expect(result.code).toBe('UNAUTHENTICATED');
    expect(result.message).toBe('The token has expired. Sign in again or refresh it.');
    expect(result.cause).toBeInstanceOf(errors.JWTExpired);
  });

  it('refuses a token without exp', async () => {
    const token = await sign(secretBytes(), { alg: 'HS256' }, { exp: undefined });
    const result = await failure(() => hs().verify(token));
    expect(result).toMatchObject({
      code: 'UNAUTHENTICATED',
      message: 'The token has no expiry ("exp" claim); tokens that never expire are refused.',
    });
  });

  it('refuses a token without sub, or with a sub that is not a usable id', async () => {
    const noSub = await sign(secretBytes(), { alg: 'HS256' }, { sub: undefined });
    expect(await failure(() => hs().verify(noSub))).toMatchObject({
      code: 'UNAUTHENTICATED',
      message: 'The token has no subject ("sub" claim).',
    });
    for (const sub of ['', 'a\u0000b', 'x'.repeat(256)]) {
      const token = await sign(secretBytes(), { alg: 'HS256' }, { sub });
      expect(await failure(() => hs().verify(token))).toMatchObject({
        code: 'UNAUTHENTICATED',
        message: 'The token\'s "sub" claim is missing or malformed.',
      });
    }
    const numericSub = await sign(secretBytes(), { alg: 'HS256' }, { sub: 42 as unknown as string });
    expect((await failure(() => hs().verify(numericSub))).code).toBe('UNAUTHENTICATED');
  });

  it('refuses a token whose nbf is in the future', async () => {
    const token = await sign(secretBytes(), { alg: 'HS256' }, { nbf: NOW + 60 });
    expect(await failure(() => hs().verify(token))).toMatchObject({
      code: 'UNAUTHENTICATED',
      message: 'The token is not valid yet ("nbf" is in the future).',
    });
  });

  it('checks the issuer and the audience when they are configured', async () => {
    const identity = hs({ issuer: 'https://auth.example.com', audience: ['api', 'authenticated'] });
    const good = await sign(secretBytes(), { alg: 'HS256' }, { iss: 'https://auth.example.com', aud: 'api' });
    expect((await identity.verify(good)).id).toBe('user_1');

    const wrongIss = await sign(secretBytes(), { alg: 'HS256' }, { iss: 'https://evil.example', aud: 'api' });
    expect(await failure(() => identity.verify(wrongIss))).toMatchObject({
      code: 'UNAUTHENTICATED',
      message: 'The token was issued by an unexpected issuer.',
    });
    const wrongAud = await sign(secretBytes(), { alg: 'HS256' }, { iss: 'https://auth.example.com', aud: 'admin' });
    expect(await failure(() => identity.verify(wrongAud))).toMatchObject({
      code: 'UNAUTHENTICATED',
      message: 'The token is meant for another audience.',
    });
    const noIss = await sign(secretBytes(), { alg: 'HS256' }, { aud: 'api' });
    expect(await failure(() => identity.verify(noIss))).toMatchObject({
      code: 'UNAUTHENTICATED',
      message: 'The token has no issuer ("iss" claim).',
    });
  });

  it('refuses alg "none", unsigned or with a signature attached', async () => {
    const unsecured = new UnsecuredJWT({ sub: 'user_1', exp: NOW + 3600 }).encode();
    expect(await failure(() => hs().verify(unsecured))).toMatchObject({
      code: 'UNAUTHENTICATED',
      message: 'The token is signed with an algorithm that is not allowed.',
    });
    const crafted = craft({ alg: 'none', typ: 'JWT' }, { sub: 'user_1', exp: NOW + 3600 }, 'c2lnbmF0dXJl');
    expect((await failure(() => hs().verify(crafted))).code).toBe('UNAUTHENTICATED');
    const uppercase = craft({ alg: 'NONE' }, { sub: 'user_1', exp: NOW + 3600 });
    expect((await failure(() => hs().verify(uppercase))).code).toBe('UNAUTHENTICATED');
  });

  it('refuses a token signed with another secret', async () => {
    const token = await sign(secretBytes('another-secret-that-is-also-32-bytes-long'), { alg: 'HS256' });
    expect(await failure(() => hs().verify(token))).toMatchObject({
      code: 'UNAUTHENTICATED',
      message: 'The token signature is invalid.',
    });
  });

  it('refuses a token whose payload was changed after signing', async () => {
    const token = await sign(secretBytes(), { alg: 'HS256' }, { sub: 'user_1' });
    const [header, , signature] = token.split('.');
    const forged = craft({}, { sub: 'admin', exp: NOW + 3600, iat: NOW }).split('.')[1];
    const tampered = `${header}.${forged}.${signature}`;
    expect(await failure(() => hs().verify(tampered))).toMatchObject({
      code: 'UNAUTHENTICATED',
      message: 'The token signature is invalid.',
    });
  });

  it('refuses a token signed with an HS algorithm that is not listed', async () => {
    const secret64 = 'x'.repeat(64);
    const token = await sign(secretBytes(secret64), { alg: 'HS512' });
    const result = await failure(() => hs({ secret: secret64 }).verify(token));
    expect(result.code).toBe('UNAUTHENTICATED');
    expect(result.cause).toBeInstanceOf(errors.JOSEAlgNotAllowed);
    const both = hs({ secret: secret64, algorithms: ['HS256', 'HS512'] });
    expect((await both.verify(token)).id).toBe('user_1');
    expect((await both.verify(await sign(secretBytes(secret64), { alg: 'HS256' }))).id).toBe('user_1');
  });

  it('applies a 5 s clock tolerance by default, at its exact edges', async () => {
    const verify = async (payload: Record<string, unknown>) =>
      (await failure(() => sign(secretBytes(), { alg: 'HS256' }, payload).then((t) => hs().verify(t)))).code;
    expect(await verify({ exp: NOW - 4 })).toBe('resolved');
    expect(await verify({ exp: NOW - 5 })).toBe('UNAUTHENTICATED');
    expect(await verify({ nbf: NOW + 5 })).toBe('resolved');
    expect(await verify({ nbf: NOW + 6 })).toBe('UNAUTHENTICATED');
  });

  it('takes a configured clock tolerance, including none', async () => {
    const strict = hs({ clockToleranceSec: 0 });
    const lenient = hs({ clockToleranceSec: 60 });
    const atNow = await sign(secretBytes(), { alg: 'HS256' }, { exp: NOW });
    const justAfter = await sign(secretBytes(), { alg: 'HS256' }, { exp: NOW + 1 });
    const minuteAgo = await sign(secretBytes(), { alg: 'HS256' }, { exp: NOW - 59 });
    expect((await failure(() => strict.verify(atNow))).code).toBe('UNAUTHENTICATED');
    expect((await strict.verify(justAfter)).id).toBe('user_1');
    expect((await lenient.verify(minuteAgo)).id).toBe('user_1');
  });

  it('refuses malformed and oversized tokens without echoing them', async () => {
    for (const token of ['', 'abc', 'a.b', 'a.b.c', `${'a'.repeat(20_000)}.b.c`, 'eyJhbGciOiJIUzI1NiJ9.%%%.x']) {
      const result = await failure(() => hs().verify(token));
      expect(result.code).toBe('UNAUTHENTICATED');
      if (token.length > 3) expect(result.message).not.toContain(token.slice(0, 12));
    }
  });

  it('never echoes the token or its parts in a failure message', async () => {
    const token = await sign(secretBytes('another-secret-that-is-also-32-bytes-long'), { alg: 'HS256' });
    const expired = await sign(secretBytes(), { alg: 'HS256' }, { exp: NOW - 60 });
    for (const t of [token, expired]) {
      const { message } = await failure(() => hs().verify(t));
      for (const part of t.split('.')) expect(message).not.toContain(part);
    }
  });

  it('reads platformAdmin from a configured claim path, only for the value true', async () => {
    const identity = hs({ platformAdminClaim: 'app_metadata.platform_admin' });
    const admin = await sign(secretBytes(), { alg: 'HS256' }, { app_metadata: { platform_admin: true } });
    const stringy = await sign(secretBytes(), { alg: 'HS256' }, { app_metadata: { platform_admin: 'true' } });
    const flat = await sign(secretBytes(), { alg: 'HS256' }, { 'app_metadata.platform_admin': true });
    expect((await identity.verify(admin)).platformAdmin).toBe(true);
    expect((await identity.verify(stringy)).platformAdmin).toBe(false);
    expect((await identity.verify(flat)).platformAdmin).toBe(false);
    expect((await hs().verify(admin)).platformAdmin).toBe(false);
  });

  it('reads platformAdmin from a claim whose name contains dots, given as segments', async () => {
    const identity = hs({ platformAdminClaim: ['https://example.com/claims', 'admin'] });
    const admin = await sign(secretBytes(), { alg: 'HS256' }, { 'https://example.com/claims': { admin: true } });
    expect((await identity.verify(admin)).platformAdmin).toBe(true);
  });

  it('does not resolve a platform admin claim path through the prototype chain', async () => {
    const identity = hs({ platformAdminClaim: 'constructor.name' });
    const token = await sign(secretBytes(), { alg: 'HS256' });
    expect((await identity.verify(token)).platformAdmin).toBe(false);
  });

  it('asks an isPlatformAdmin callback with the verified claims', async () => {
    const seen: unknown[] = [];
    const identity = hs({
      isPlatformAdmin: (claims) => {
        seen.push(claims.sub);
        return claims.sub === 'ops_1';
      },
    });
    expect((await identity.verify(await sign(secretBytes(), { alg: 'HS256' }, { sub: 'ops_1' }))).platformAdmin).toBe(
      true,
    );
    expect((await identity.verify(await sign(secretBytes(), { alg: 'HS256' }))).platformAdmin).toBe(false);
    expect(seen).toEqual(['ops_1', 'user_1']);
  });
});

describe('createIdentity with public keys (RS256, ES256)', () => {
  it('verifies RS256 with a PEM public key and ES256 with a JWK', async () => {
    const viaPem = createIdentity({ publicKey: rsa.pem, algorithms: ['RS256'], now: () => NOW_MS });
    expect((await viaPem.verify(await sign(rsa.privateKey, { alg: 'RS256' }))).id).toBe('user_1');
    const viaJwk = createIdentity({ publicKey: ec.jwk, algorithms: ['ES256'], now: () => NOW_MS });
    expect((await viaJwk.verify(await sign(ec.privateKey, { alg: 'ES256' }))).id).toBe('user_1');
    const viaCryptoKey = createIdentity({ publicKey: ec.publicKey, algorithms: ['ES256'], now: () => NOW_MS });
    expect((await viaCryptoKey.verify(await sign(ec.privateKey, { alg: 'ES256' }))).id).toBe('user_1');
  });

  it('refuses alg confusion: an HS256 token whose secret is the RS256 public key', async () => {
    const pemAsSecret = new TextEncoder().encode(rsa.pem);
    const forged = await sign(pemAsSecret, { alg: 'HS256' }, { sub: 'admin' });
    const viaPem = createIdentity({ publicKey: rsa.pem, algorithms: ['RS256'], now: () => NOW_MS });
    const result = await failure(() => viaPem.verify(forged));
    expect(result).toMatchObject({
      code: 'UNAUTHENTICATED',
      message: 'The token is signed with an algorithm that is not allowed.',
    });
    const viaJwks = createIdentity({ jwks: { keys: [rsa.jwk] }, algorithms: ['RS256'], now: () => NOW_MS });
    expect((await failure(() => viaJwks.verify(forged))).code).toBe('UNAUTHENTICATED');
    const jwkAsSecret = new TextEncoder().encode(JSON.stringify(rsa.jwk));
    const forged2 = await sign(jwkAsSecret, { alg: 'HS256', kid: rsa.kid });
    expect((await failure(() => viaJwks.verify(forged2))).code).toBe('UNAUTHENTICATED');
  });

  it('refuses a token signed by another key pair', async () => {
    const identity = createIdentity({ publicKey: rsa.pem, algorithms: ['RS256'], now: () => NOW_MS });
    expect(await failure(async () => identity.verify(await sign(rsaOther.privateKey, { alg: 'RS256' })))).toMatchObject(
      {
        code: 'UNAUTHENTICATED',
        message: 'The token signature is invalid.',
      },
    );
  });

  it('selects the key by kid from a local JWKS, and refuses an unknown kid', async () => {
    const identity = createIdentity({
      jwks: { keys: [rsa.jwk, ec.jwk] },
      algorithms: ['RS256', 'ES256'],
      now: () => NOW_MS,
    });
    expect((await identity.verify(await sign(rsa.privateKey, { alg: 'RS256', kid: 'rsa-1' }))).id).toBe('user_1');
    expect((await identity.verify(await sign(ec.privateKey, { alg: 'ES256', kid: 'ec-1' }))).id).toBe('user_1');
    const unknownKid = await sign(rsaOther.privateKey, { alg: 'RS256', kid: 'rsa-2' });
    expect(await failure(() => identity.verify(unknownKid))).toMatchObject({
      code: 'UNAUTHENTICATED',
      message: 'No configured key matches the token (unknown "kid" or algorithm).',
    });
    // A known kid does not help a token signed by someone else.
    const stolenKid = await sign(rsaOther.privateKey, { alg: 'RS256', kid: 'rsa-1' });
    expect((await failure(() => identity.verify(stolenKid))).message).toBe('The token signature is invalid.');
  });

  it('never takes a key from the token: an embedded jwk header is ignored', async () => {
    const identity = createIdentity({ jwks: { keys: [rsa.jwk] }, algorithms: ['RS256'], now: () => NOW_MS });
    const { kid: _kid, ...attackerJwk } = rsaOther.jwk;
    const token = await sign(rsaOther.privateKey, { alg: 'RS256', kid: 'rsa-1', jwk: attackerJwk });
    expect((await failure(() => identity.verify(token))).message).toBe('The token signature is invalid.');
  });

  it('reports a key that cannot be imported as INVALID_CONFIG on first use', async () => {
    const identity = createIdentity({ publicKey: ec.jwk, algorithms: ['RS256'], now: () => NOW_MS });
    const result = await failure(async () => identity.verify(await sign(rsa.privateKey, { alg: 'RS256' })));
    expect(result.code).toBe('INVALID_CONFIG');
    expect(result.message).toBe(
      'The configured key could not be imported. The JWK is for ES256; list only that algorithm.',
    );
  });
});

describe('Identity.authenticate', () => {
  const request = (headers: Record<string, string>) => new Request('https://acme.example.com/api', { headers });

  it('returns undefined for a request without a token', async () => {
    expect(await hs().authenticate(request({}))).toBeUndefined();
    expect(await hs().authenticate(request({ authorization: 'Basic dXNlcjpwYXNz' }))).toBeUndefined();
  });

  it('returns the principal for a valid bearer token', async () => {
    const token = await sign(secretBytes(), { alg: 'HS256' });
    expect((await hs().authenticate(request({ authorization: `Bearer ${token}` })))?.id).toBe('user_1');
  });

  it('throws UNAUTHENTICATED for a present but bad token instead of treating the request as anonymous', async () => {
    const expired = await sign(secretBytes(), { alg: 'HS256' }, { exp: NOW - 60 });
    expect((await failure(() => hs().authenticate(request({ authorization: `Bearer ${expired}` })))).code).toBe(
      'UNAUTHENTICATED',
    );
    expect((await failure(() => hs().authenticate(request({ authorization: 'Bearer' })))).code).toBe('UNAUTHENTICATED');
  });

  it('reads the token from the configured cookie', async () => {
    const token = await sign(secretBytes(), { alg: 'HS256' });
    const identity = hs({ cookie: 'access_token' });
    expect((await identity.authenticate(request({ cookie: `theme=dark; access_token=${token}` })))?.id).toBe('user_1');
    expect(await hs().authenticate(request({ cookie: `access_token=${token}` }))).toBeUndefined();
  });
});
