import type { z } from 'zod';
import { TenancyError } from '../errors/tenancy-error.js';

/**
 * Parses options handed to a `create*`/`from*` function; throws `INVALID_CONFIG` naming the zod path that was wrong,
 * so a bad config fails at startup rather than on the first request.
 */
export function parseConfig<S extends z.ZodType>(schema: S, value: unknown, subject: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = issue?.path.map(String) ?? [];
  throw new TenancyError(
    'INVALID_CONFIG',
    `${subject}: invalid option at "${path.join('.') || '(root)'}": ${issue?.message ?? 'invalid'}.`,
    { details: { path }, cause: parsed.error },
  );
}
