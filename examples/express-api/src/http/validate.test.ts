import { isTenancyError } from '@tenancy/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { idSchema, pageSchema, parse } from './validate.js';

function failure(run: () => unknown): { code: string; message: string; details: unknown } {
  try {
    run();
  } catch (error) {
    if (isTenancyError(error)) return { code: error.code, message: error.message, details: error.details };
    throw error;
  }
  throw new Error('expected a failure');
}

describe('parse', () => {
  const body = z.strictObject({ name: z.string().max(5) });

  it('returns the parsed value', () => {
    expect(parse(body, { name: 'ok' }, 'body')).toEqual({ name: 'ok' });
  });

  it('throws INVALID_INPUT naming the field, without the value', () => {
    const error = failure(() => parse(body, { name: 'secret-value-too-long' }, 'body'));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toMatch(/^body\.name: /);
    expect(error.message).not.toContain('secret-value');
    expect(error.details).toEqual({ in: 'body', field: 'name' });
  });

  it('says "has unknown fields" without naming them', () => {
    const error = failure(() => parse(body, { name: 'ok', '<script>': 1 }, 'body'));
    expect(error.message).toBe('The request body has unknown fields.');
  });

  it('describes a missing or non-object body', () => {
    expect(failure(() => parse(body, undefined, 'body')).message).toBe(
      'The request body is invalid: expected object, received undefined.',
    );
  });
});

describe('idSchema', () => {
  it('accepts a uuid in any case and returns it lowercase', () => {
    expect(idSchema.parse('0190F3A2-7C1B-7D4E-9A6B-3C2D1E0F4A5B')).toBe('0190f3a2-7c1b-7d4e-9a6b-3c2d1e0f4a5b');
  });

  it('refuses anything else', () => {
    for (const id of ['', '42', '0190f3a2-7c1b-7d4e-9a6b-3c2d1e0f4a5', '{0190f3a2-7c1b-7d4e-9a6b-3c2d1e0f4a5b}']) {
      expect(idSchema.safeParse(id).success).toBe(false);
    }
  });
});

describe('pageSchema', () => {
  it('defaults to the first 20 and coerces query strings', () => {
    expect(pageSchema.parse({})).toEqual({ limit: 20, offset: 0 });
    expect(pageSchema.parse({ limit: '100', offset: '10000' })).toEqual({ limit: 100, offset: 10_000 });
  });

  it('refuses out-of-bounds, fractional, repeated and unknown parameters', () => {
    for (const query of [
      { limit: '0' },
      { limit: '101' },
      { offset: '-1' },
      { limit: '2.5' },
      { limit: ['1', '2'] },
      { page: '1' },
    ]) {
      expect(pageSchema.safeParse(query).success).toBe(false);
    }
  });
});
