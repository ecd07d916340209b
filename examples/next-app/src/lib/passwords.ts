import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

// scrypt with N=2^15, r=8, p=1 (OWASP recommends at least N=2^17 with r=8, p=1 on server hardware;
// 2^15 keeps a sign-in near 0.1 s on a small shared machine). The parameters are stored with each hash, so they
// can be raised later without invalidating existing passwords.
const N = 2 ** 15;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;
// scrypt needs about 128 * N * r bytes: 32 MiB now, 64 MiB for the largest N a stored hash may name (below).
const MAX_MEMORY = 128 * 1024 * 1024;

function derive(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, { N: n, r, p, maxmem: MAX_MEMORY }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

/**
 * Hashes a password with scrypt and a random salt: `scrypt$N$r$p$salt$key` (base64url).
 * @example
 * const stored = await hashPassword('correct horse battery staple');
 */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, N, R, P);
  return ['scrypt', N, R, P, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/**
 * Checks a password against a stored hash in constant time. A malformed hash never matches.
 * @example
 * if (!(await verifyPassword(input, stored))) return { error: 'Wrong e-mail or password.' };
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [n, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  // Bounds, so a tampered row cannot make one sign-in allocate gigabytes.
  if (!(n >= 2 ** 10 && n <= 2 ** 16 && Number.isInteger(Math.log2(n)) && r >= 1 && r <= 16 && p >= 1 && p <= 4)) {
    return false;
  }
  const salt = Buffer.from(parts[4] ?? '', 'base64url');
  const expected = Buffer.from(parts[5] ?? '', 'base64url');
  if (salt.length < 16 || expected.length !== KEY_LENGTH) return false;
  const actual = await derive(password, salt, n, r, p);
  return timingSafeEqual(actual, expected);
}

// Verified against when the e-mail is unknown, so that "no such user" takes as long as "wrong password" and the
// response time does not tell which addresses have accounts.
let decoy: Promise<string> | undefined;

/**
 * Spends the time of one password check without a stored hash (unknown e-mail address). Always `false`.
 * @example
 * const ok = row ? await verifyPassword(password, row.passwordHash) : await rejectWithoutHash(password);
 */
export async function rejectWithoutHash(password: string): Promise<false> {
  decoy ??= hashPassword(randomBytes(16).toString('hex'));
  await verifyPassword(password, await decoy);
  return false;
}
