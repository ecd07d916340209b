import { isIpHost, isTenancyError, normalizeHost, parseSlug, parseTenantId, TenancyError } from '@tenancy/core';
import { z } from 'zod';
import { ROLE_PATTERN } from '../foundation/patterns.js';

// Lifecycle inputs come from outside (a sign-up form, an admin console, a support tool): everything is validated
// here, before any SQL, and errors name the field without repeating the value.

/** A uuid in canonical lowercase form (core's tenant id rules). */
export const uuidSchema = z.string().transform((value, ctx) => {
  try {
    return parseTenantId(value, 'uuid');
  } catch {
    ctx.addIssue({ code: 'custom', message: 'must be a uuid' });
    return z.NEVER;
  }
});

/** A slug, trimmed and lowercased first, then held to core's slug rules and the reserved list. */
export function slugSchema(reserved: ReadonlySet<string>) {
  return z.string().transform((value, ctx) => {
    try {
      return parseSlug(value.trim().toLowerCase(), { reserved });
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: isTenancyError(error) ? error.message : 'is not a valid slug' });
      return z.NEVER;
    }
  });
}

/** A custom domain: normalized like a request host (lowercase ASCII, no port, no trailing dot); IPs refused. */
export const domainSchema = z.string().transform((value, ctx) => {
  let host: string;
  try {
    host = normalizeHost(value.trim());
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: isTenancyError(error) ? error.message : 'is not a valid domain' });
    return z.NEVER;
  }
  if (isIpHost(host)) {
    ctx.addIssue({ code: 'custom', message: 'must be a domain name, not an IP address' });
    return z.NEVER;
  }
  return host;
});

/** An e-mail address, trimmed and lowercased: the form stored and compared. */
export const emailSchema = z.string().trim().toLowerCase().pipe(z.email().max(320));

/** A display name: trimmed, 1-200 characters. */
export const nameSchema = z.string().trim().min(1).max(200);

/** A set of role names (duplicates dropped, order kept). */
export const roleNamesSchema = z
  .array(z.string().regex(new RegExp(ROLE_PATTERN), 'is not a valid role name'))
  .max(32)
  .transform((roles) => [...new Set(roles)]);

/** Who acted, for the audit log: a user id, or `null`/absent for the system. */
export const actorSchema = uuidSchema.nullable().optional();

/** Parses a lifecycle input; `INVALID_INPUT` naming the first bad field otherwise. */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown, action: string): z.output<T> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = issue?.path.map(String) ?? [];
  throw new TenancyError(
    'INVALID_INPUT',
    `${action}: "${path.join('.') || '(input)'}" ${issue?.message ?? 'is invalid'}.`,
    {
      details: { path },
    },
  );
}
