import { describe, expect, it } from 'vitest';
import { hashPassword, rejectWithoutHash, verifyPassword } from './passwords';

describe('hashPassword / verifyPassword', () => {
  it('accepts the password a hash was made from and refuses any other', async () => {
    const stored = await hashPassword('correct horse battery staple');
    expect(stored).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(await verifyPassword('correct horse battery staple', stored)).toBe(true);
    expect(await verifyPassword('correct horse battery stapl', stored)).toBe(false);
    expect(await verifyPassword('', stored)).toBe(false);
  });

  it('salts every hash, so equal passwords do not give equal hashes', async () => {
    expect(await hashPassword('same')).not.toBe(await hashPassword('same'));
  });

  it('treats differently composed unicode as the same password', async () => {
    const stored = await hashPassword('caf\u00e9');
    expect(await verifyPassword('cafe\u0301', stored)).toBe(true);
  });

  it('never matches a malformed or tampered hash, and refuses cost parameters that would exhaust memory', async () => {
    const stored = await hashPassword('pw');
    const parts = stored.split('$');
    expect(await verifyPassword('pw', 'plain-text-password')).toBe(false);
    expect(await verifyPassword('pw', stored.replace('scrypt$', 'bcrypt$'))).toBe(false);
    expect(await verifyPassword('pw', [...parts.slice(0, 5), 'AAAA'].join('$'))).toBe(false);
    expect(await verifyPassword('pw', ['scrypt', 2 ** 20, ...parts.slice(2)].join('$'))).toBe(false);
    expect(await verifyPassword('pw', ['scrypt', 3000, ...parts.slice(2)].join('$'))).toBe(false);
  });

  it('rejects an unknown user after spending a password check', async () => {
    const started = performance.now();
    expect(await rejectWithoutHash('anything')).toBe(false);
    expect(performance.now() - started).toBeGreaterThan(5);
  });
});
