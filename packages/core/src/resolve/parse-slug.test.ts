import { describe, expect, it } from 'vitest';
import type { TenancyError } from '../errors/tenancy-error.js';
import { isTenancyError } from '../errors/tenancy-error.js';
import { DEFAULT_RESERVED_SLUGS, parseSlug } from './parse-slug.js';

function thrown(fn: () => unknown): TenancyError {
  try {
    fn();
  } catch (error) {
    if (isTenancyError(error)) return error;
    throw error;
  }
  throw new Error('expected a TenancyError, nothing was thrown');
}

describe('parseSlug', () => {
  it.each(['acme', 'a', '7', 'acme-corp', 'a-b-c', '1password', 'a'.repeat(63), 'ab-cd', 'abc--d'])(
    'accepts %j',
    (value) => {
      expect(parseSlug(value)).toBe(value);
    },
  );

  it.each([
    ['', 'is empty'],
    ['Acme', 'has uppercase letters'],
    ['ACME', 'has uppercase letters'],
    ['a'.repeat(64), 'is longer than 63 characters'],
    ['a'.repeat(300), 'is longer than 63 characters'],
    ['-acme', 'starts or ends with "-"'],
    ['acme-', 'starts or ends with "-"'],
    ['-', 'starts or ends with "-"'],
    ['xn--pple-43d', 'has "--" in positions 3-4'],
    ['XN--pple-43d', 'has uppercase letters'],
    ['ab--cd', 'has "--" in positions 3-4'],
    ['acme.corp', 'contains characters other than'],
    ['acme_corp', 'contains characters other than'],
    ['acme corp', 'contains characters other than'],
    ['ac%6De', 'contains characters other than'],
    ['..', 'contains characters other than'],
    ['..%2f', 'contains characters other than'],
    ['%2e%2e', 'contains characters other than'],
    ['acme%00', 'contains characters other than'],
    ['acme\u0000', 'contains characters other than'],
    ['acme\u0001', 'contains characters other than'],
    ['acme\r\nx-tenant-id: other', 'contains characters other than'],
    ["acme' OR '1'='1", 'contains characters other than'],
    ['acme;drop table tenants', 'contains characters other than'],
    ['acme, other', 'contains characters other than'],
    ['\u0430pple', 'contains characters other than'],
    ['ａｃｍｅ', 'contains characters other than'],
    ['www', 'is reserved'],
    ['admin', 'is reserved'],
  ])('refuses %j: %s', (value, problem) => {
    const error = thrown(() => parseSlug(value));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.status).toBe(400);
    expect(error.message).toContain(problem);
    expect(error.details).toEqual({ field: 'slug' });
  });

  it('reserves www and the platform names by default', () => {
    expect(DEFAULT_RESERVED_SLUGS).toContain('www');
    expect(DEFAULT_RESERVED_SLUGS).toContain('api');
    expect(Object.isFrozen(DEFAULT_RESERVED_SLUGS)).toBe(true);
  });

  it('takes the reserved list from the options, replacing the default', () => {
    expect(parseSlug('www', { reserved: [] })).toBe('www');
    expect(thrown(() => parseSlug('billing-team', { reserved: ['billing-team'] })).message).toBe(
      'The tenant slug is reserved.',
    );
    expect(thrown(() => parseSlug('ops', { reserved: new Set(['ops']) })).message).toBe('The tenant slug is reserved.');
  });
});
