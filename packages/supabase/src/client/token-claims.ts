import { TenancyError } from '@tenancy/core';
import { TENANT_CLAIMS } from '../config/supabase-names.js';

const MAX_TOKEN_LENGTH = 16 * 1024;

function unauthenticated(message: string): TenancyError {
  return new TenancyError('UNAUTHENTICATED', message);
}

/**
 * The payload of a compact JWT, decoded but NOT verified. Only ever used to compare a token with what was verified
 * elsewhere (core's identity, PostgREST), never to grant anything. Web APIs only: this runs in browsers too.
 */
export function decodeTokenClaims(token: string): Readonly<Record<string, unknown>> {
  if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH) {
    throw unauthenticated('The access token is missing or malformed.');
  }
  const parts = token.split('.');
  const payload = parts[1];
  if (parts.length !== 3 || payload === undefined || !/^[A-Za-z0-9_-]+$/.test(payload)) {
    throw unauthenticated('The access token is not a compact JWT.');
  }
  try {
    const base64 = payload.replaceAll('-', '+').replaceAll('_', '/');
    const binary = atob(base64.padEnd(base64.length + ((4 - (base64.length % 4)) % 4), '='));
    const json: unknown = JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0))));
    if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new Error('not an object');
    return json as Record<string, unknown>;
  } catch (cause) {
    throw new TenancyError('UNAUTHENTICATED', 'The access token payload is not a JSON object.', { cause });
  }
}

/** `app_metadata.tenant_id` of a claims object (own properties only), or undefined. */
export function activeTenantOf(claims: Readonly<Record<string, unknown>>): string | undefined {
  const app = Object.hasOwn(claims, 'app_metadata') ? claims['app_metadata'] : undefined;
  if (typeof app !== 'object' || app === null || Array.isArray(app)) return undefined;
  const tenant = Object.hasOwn(app, TENANT_CLAIMS.tenantId)
    ? (app as Record<string, unknown>)[TENANT_CLAIMS.tenantId]
    : undefined;
  return typeof tenant === 'string' ? tenant : undefined;
}

/** True for a key or token that carries the service role: a `sb_secret_` key or a JWT whose role is service_role. */
export function isServiceRoleCredential(value: string): boolean {
  if (value.startsWith('sb_secret_')) return true;
  if (value.split('.').length !== 3) return false;
  try {
    return decodeTokenClaims(value)['role'] === 'service_role';
  } catch {
    return false;
  }
}
