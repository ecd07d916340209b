import { TenancyError } from '@tenancy/core';
import { z } from 'zod';

/** A uuid in any case, returned lowercase: ids in URLs and bodies are checked before they reach SQL. */
export const idSchema = z
  .string()
  .regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, 'must be a uuid')
  .transform((id) => id.toLowerCase());

/** `?limit=&offset=`: bounded, so no request can ask for a whole table or scan past a deep offset. */
export const pageSchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).max(10_000).default(0),
});

/** A page request after validation. */
export type Page = z.output<typeof pageSchema>;

/**
 * Parses input from outside (body, params, query) with `schema`; anything else is a 400 INVALID_INPUT that names the
 * first bad field and what was wrong with it, without repeating the value.
 */
export function parse<T extends z.ZodType>(schema: T, input: unknown, where: 'body' | 'path' | 'query'): z.output<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.map(String).join('.') ?? '';
  const what = issue?.code === 'unrecognized_keys' ? 'has unknown fields' : (issue?.message ?? 'is invalid');
  throw new TenancyError(
    'INVALID_INPUT',
    field === ''
      ? `The request ${where} ${what.replace(/^Invalid input: /, 'is invalid: ')}.`
      : `${where}.${field}: ${what}.`,
    { details: { in: where, field } },
  );
}
