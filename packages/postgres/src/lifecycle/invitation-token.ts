import { createHash, randomBytes } from 'node:crypto';

/** A new invitation token: 32 random bytes, base64url (43 characters). Shown once, never stored. */
export function createInvitationToken(): string {
  return randomBytes(32).toString('base64url');
}

/** What is stored and looked up: the token's SHA-256, hex. A leaked table does not leak usable tokens. */
export function hashInvitationToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** The shape of a token {@link createInvitationToken} makes, checked before any lookup. */
export const INVITATION_TOKEN = /^[A-Za-z0-9_-]{43}$/;
