import type { z } from 'zod';
import { TenancyError } from '../errors/tenancy-error.js';

/**
 * Parses options handed to a `create*`/`from*` function; throws `INVALID_CONFIG` naming the zod path that was wrong,
 * so a bad config fails at startup rather than on the first request.
 */
export function parseConfig<S extends z.ZodType>(schema: S, value: unknown, subject: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const first = parsed.error.issues[0];
  const { path, message } = first === undefined ? { path: [], message: 'invalid' } : mostSpecific(first);
  throw new TenancyError(
    'INVALID_CONFIG',
    `${subject}: invalid option at "${path.join('.') || '(root)'}": ${message}.`,
    {
      details: { path },
      cause: parsed.error,
    },
  );
}

// A union (`trustProxy: boolean | { hops, header }`) reports "no branch matched" at its own path; the branch issue
// with the longest path says what was actually wrong ("trustProxy.header").
function mostSpecific(issue: z.core.$ZodIssue): { path: string[]; message: string } {
  const own = { path: issue.path.map(String), message: issue.message };
  if (issue.code !== 'invalid_union') return own;
  let best: { path: string[]; message: string } | undefined;
  for (const branch of issue.errors) {
    for (const inner of branch) {
      const candidate = mostSpecific(inner);
      if (best === undefined || candidate.path.length > best.path.length) best = candidate;
    }
  }
  return best === undefined || best.path.length === 0
    ? own
    : { path: [...own.path, ...best.path], message: best.message };
}
