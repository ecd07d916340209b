import { describe, expect, it } from 'vitest';
import { createIdentity } from './create-identity.js';
import { failure, NOW, NOW_MS, SECRET, secretBytes, sign } from './test-tokens.js';

// `isPlatformAdmin` runs once per real verification, so counting its calls tells a cache hit from a verification.
function counted(options: { ttlMs?: number; cache?: false } = {}) {
  let clock = NOW_MS;
  let verifications = 0;
  const identity = createIdentity({
    secret: SECRET,
    now: () => clock,
    isPlatformAdmin: () => {
      verifications += 1;
      return false;
    },
    ...(options.cache === false
      ? { verifiedTokenCache: false as const }
      : { verifiedTokenCache: { ttlMs: options.ttlMs ?? 60_000 } }),
  });
  return {
    identity,
    verifications: () => verifications,
    advance: (ms: number) => {
      clock += ms;
    },
  };
}

describe('the verified-token cache', () => {
  it('verifies a token once and serves the same principal for the same exact token', async () => {
    const { identity, verifications } = counted();
    const token = await sign(secretBytes(), { alg: 'HS256' }, { sub: 'alice' });
    const a = await identity.verify(token);
    const b = await identity.verify(token);
    expect(a.id).toBe('alice');
    expect(b).toBe(a);
    expect(verifications()).toBe(1);
  });

  it('still refuses a cached token once it has expired (beyond the clock tolerance)', async () => {
    const { identity, advance } = counted({ ttlMs: 3_600_000 });
    const token = await sign(secretBytes(), { alg: 'HS256' }, { sub: 'alice', exp: NOW + 60 });
    await identity.verify(token);
    advance(64_000); // within 5 s tolerance
    expect((await identity.verify(token)).id).toBe('alice');
    advance(2_000);
    expect((await failure(() => identity.verify(token))).code).toBe('UNAUTHENTICATED');
  });

  it('never serves a tampered token from the cache: another string is verified, and fails', async () => {
    const { identity } = counted();
    const token = await sign(secretBytes(), { alg: 'HS256' }, { sub: 'alice' });
    await identity.verify(token);
    const [header, , signature] = token.split('.');
    const payload = Buffer.from(JSON.stringify({ sub: 'mallory', exp: NOW + 3600 })).toString('base64url');
    expect((await failure(() => identity.verify(`${header}.${payload}.${signature}`))).code).toBe('UNAUTHENTICATED');
  });

  it('verifies again after the entry’s TTL', async () => {
    const { identity, verifications, advance } = counted({ ttlMs: 1_000 });
    const token = await sign(secretBytes(), { alg: 'HS256' }, { sub: 'alice' });
    await identity.verify(token);
    advance(1_001);
    await identity.verify(token);
    expect(verifications()).toBe(2);
  });

  it('serves authenticate() from it as verify(), and refuses a cached token there too once it has expired', async () => {
    const { identity, verifications, advance } = counted({ ttlMs: 3_600_000 });
    const token = await sign(secretBytes(), { alg: 'HS256' }, { sub: 'alice', exp: NOW + 60 });
    const request = () => new Request('https://acme.example.com/', { headers: { authorization: `Bearer ${token}` } });
    const a = await identity.authenticate(request());
    const b = await identity.authenticate(request());
    expect(a?.id).toBe('alice');
    expect(b).toBe(a);
    expect(verifications()).toBe(1);
    advance(66_000);
    const error = await failure(() => identity.authenticate(request()));
    expect(error.code).toBe('UNAUTHENTICATED');
    expect(error.message).toBe((await failure(() => identity.verify(token))).message);
  });

  it('verifies every time when turned off', async () => {
    const { identity, verifications } = counted({ cache: false });
    const token = await sign(secretBytes(), { alg: 'HS256' }, { sub: 'alice' });
    await identity.verify(token);
    await identity.verify(token);
    expect(verifications()).toBe(2);
  });
});
