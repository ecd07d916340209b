import { jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { consumeHandoff, SESSION_AUDIENCE, signHandoff, signSession } from './session';

const SECRET = 'session-test-secret-of-at-least-32-bytes';
const ACME = '0197a000-0000-7000-8000-0000000acce0';
const GLOBEX = '0197a000-0000-7000-8000-00000000610b';
const ADA = { userId: '0197a000-0000-7000-8000-00000000a0a0', platformAdmin: false };

describe('signSession', () => {
  it('signs an HS256 session for the user, with the platform-admin claim only for admins', async () => {
    const key = new TextEncoder().encode(SECRET);
    const { payload, protectedHeader } = await jwtVerify(await signSession(SECRET, ADA), key, {
      audience: SESSION_AUDIENCE,
    });
    expect(protectedHeader.alg).toBe('HS256');
    expect(payload.sub).toBe(ADA.userId);
    expect(payload['platform_admin']).toBeUndefined();
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(8 * 60 * 60);
    const admin = await jwtVerify(await signSession(SECRET, { ...ADA, platformAdmin: true }), key);
    expect(admin.payload['platform_admin']).toBe(true);
  });
});

describe('consumeHandoff', () => {
  it('accepts a hand-off token once, for the tenant it names', async () => {
    const token = await signHandoff(SECRET, ADA, GLOBEX);
    expect(await consumeHandoff(SECRET, token, GLOBEX)).toEqual(ADA);
    expect(await consumeHandoff(SECRET, token, GLOBEX)).toBeUndefined();
  });

  it('refuses a token meant for another tenant without using it up', async () => {
    const token = await signHandoff(SECRET, ADA, GLOBEX);
    expect(await consumeHandoff(SECRET, token, ACME)).toBeUndefined();
    expect(await consumeHandoff(SECRET, token, GLOBEX)).toEqual(ADA);
  });

  it('refuses a session token, an expired token and one signed with another secret', async () => {
    expect(await consumeHandoff(SECRET, await signSession(SECRET, ADA), GLOBEX)).toBeUndefined();
    const token = await signHandoff(SECRET, ADA, GLOBEX);
    expect(await consumeHandoff(SECRET, token, GLOBEX, Date.now() + 61_000)).toBeUndefined();
    const foreign = await signHandoff('another-secret-of-at-least-32-bytes!!', ADA, GLOBEX);
    expect(await consumeHandoff(SECRET, foreign, GLOBEX)).toBeUndefined();
    expect(await consumeHandoff(SECRET, 'not-a-jwt', GLOBEX)).toBeUndefined();
  });

  it('carries the platform-admin flag over', async () => {
    const admin = { ...ADA, platformAdmin: true };
    expect(await consumeHandoff(SECRET, await signHandoff(SECRET, admin, ACME), ACME)).toEqual(admin);
  });
});
