import { SignJWT } from 'jose';

/** What the app puts in the tokens it signs. */
export interface TokenSubject {
  readonly userId: string;
  readonly email: string;
  /** The tenant the token is for (`tid`). A token for one tenant is refused on another tenant's host. */
  readonly tenantId?: string | undefined;
  /** Marks a platform admin (`platform_admin: true`), who signs in on the bare domain and gets no tenant. */
  readonly platformAdmin?: boolean | undefined;
}

/** Signs tokens with the app's HS256 key; `createIdentity({ secret })` verifies them. */
export interface TokenSigner {
  sign(subject: TokenSubject): Promise<string>;
}

/** A signer for `secret`, with tokens valid for `ttlSec` seconds. */
export function createTokenSigner(secret: string, ttlSec: number): TokenSigner {
  const key = new TextEncoder().encode(secret);
  return {
    sign: ({ userId, email, tenantId, platformAdmin }) =>
      new SignJWT({
        email,
        ...(tenantId === undefined ? {} : { tid: tenantId }),
        ...(platformAdmin === true ? { platform_admin: true } : {}),
      })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(userId)
        .setIssuedAt()
        .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSec)
        .sign(key),
  };
}
