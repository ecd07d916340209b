import { describe, expect, it } from 'vitest';
import type { TenancyError } from '../errors/tenancy-error.js';
import { isTenancyError } from '../errors/tenancy-error.js';
import { isIpHost, normalizeHost } from './normalize-host.js';

function thrown(fn: () => unknown): TenancyError {
  try {
    fn();
  } catch (error) {
    if (isTenancyError(error)) return error;
    throw error;
  }
  throw new Error('expected a TenancyError, nothing was thrown');
}

const label63 = 'a'.repeat(63);

describe('normalizeHost', () => {
  it.each([
    ['acme.example.com', 'acme.example.com'],
    ['ACME.', 'acme'],
    ['acme.example.com.', 'acme.example.com'],
    ['acme.example.com:443', 'acme.example.com'],
    ['ACME.Example.COM.:8080', 'acme.example.com'],
    ['acme.com:', 'acme.com'],
    ['localhost:3000', 'localhost'],
    [`${label63}.example.com`, `${label63}.example.com`],
    ['bücher.example', 'xn--bcher-kva.example'],
    // Cyrillic "а": a valid IDN, returned as punycode; the slug rules are what refuse it as a tenant label.
    ['\u0430pple.example.com', 'xn--pple-43d.example.com'],
    ['xn--pple-43d.example.com', 'xn--pple-43d.example.com'],
    // Fullwidth letters and the ideographic full stop map to ASCII under UTS #46, exactly as a browser maps them.
    ['\uff41\uff43\uff4d\uff45\u3002example.com', 'acme.example.com'],
    ['127.0.0.1', '127.0.0.1'],
    ['127.0.0.1:80', '127.0.0.1'],
    ['[::1]', '[::1]'],
    ['[::1]:3000', '[::1]'],
    ['[::FFFF:1.2.3.4]', '[::ffff:102:304]'],
  ])('normalizes %j to %j', (input, expected) => {
    expect(normalizeHost(input)).toBe(expected);
  });

  it.each([
    ['', 'is empty'],
    [':443', 'has no host name'],
    ['.', 'has no host name'],
    ['a..example.com', 'has an empty label'],
    ['.example.com', 'has an empty label'],
    ['acme..', 'has an empty label'],
    [`${'a'.repeat(64)}.example.com`, 'has a label longer than 63 characters'],
    [`${'a'.repeat(300)}.example.com`, 'is longer than 253 characters'],
    ['x'.repeat(10_000), 'is longer than 253 characters'],
    [`${label63}.${label63}.${label63}.${label63}`, 'is longer than 253 characters'],
    ['-acme.example.com', 'starts or ends with "-"'],
    ['acme-.example.com', 'starts or ends with "-"'],
    ['xn--.example.com', 'starts or ends with "-"'],
    ['a_b.example.com', 'characters that are not allowed'],
    ['evil.test/acme.example.com', 'characters that are not allowed'],
    ['evil.test\\acme.example.com', 'characters that are not allowed'],
    ['user@acme.example.com', 'characters that are not allowed'],
    ['acme.example.com?x', 'characters that are not allowed'],
    ['acme.example.com#x', 'characters that are not allowed'],
    ['%61cme.example.com', 'characters that are not allowed'],
    ['..%2f', 'characters that are not allowed'],
    ['%2e%2e', 'characters that are not allowed'],
    ['acme%00.example.com', 'characters that are not allowed'],
    ['acme\u0000.example.com', 'characters that are not allowed'],
    ['acme\u0001.example.com', 'characters that are not allowed'],
    // The ":" of the injected header line is read as a port separator first; either way the value is refused.
    ['acme.example.com\r\nx-tenant-id: other', 'has an invalid port'],
    ['acme.example.com\r\nx-tenant-id', 'characters that are not allowed'],
    ['acme .example.com', 'characters that are not allowed'],
    ["acme.example.com' OR '1'='1", 'characters that are not allowed'],
    // Fullwidth solidus maps to "/" under IDNA: it must not split the authority after mapping either.
    ['evil.test\uff0facme.example.com', 'not a valid internationalized host name'],
    ['evil.test\uff20acme.example.com', 'not a valid internationalized host name'],
    ['acme.example.com:99999', 'has an invalid port'],
    ['acme.example.com:123456', 'has an invalid port'],
    ['acme.example.com:8o', 'has an invalid port'],
    ['acme.example.com:80:80', 'more than one ":"'],
    ['::1', 'more than one ":"'],
    ['[::1', 'without its closing "]"'],
    ['[::1]x', 'has characters after its IPv6 address'],
    ['[::1]:x', 'has an invalid port'],
    ['[fe80::1%25eth0]', 'is not a valid IPv6 address'],
    ['[zz::1]', 'is not a valid IPv6 address'],
    ['[1:2:3:4:5:6:7:8:9]', 'is not a valid IPv6 address'],
    ['127.1', 'ends in a number'],
    ['0x7f.0.0.1', 'ends in a number'],
    ['0177.0.0.1', 'ends in a number'],
    ['1.2.3.256', 'ends in a number'],
    ['acme.123', 'ends in a number'],
    ['acme.0x7f', 'ends in a number'],
  ])('refuses %j: %s', (input, problem) => {
    const error = thrown(() => normalizeHost(input));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.status).toBe(400);
    expect(error.message).toContain(problem);
    expect(error.details).toEqual({ field: 'host' });
  });

  it('never repeats the input in its message', () => {
    const error = thrown(() => normalizeHost('<script>alert(1)</script>.example.com'));
    expect(error.message).toBe(
      'The host contains characters that are not allowed in a host name (only a-z, 0-9, "-" and ".").',
    );
  });

  it('refuses values that are not strings', () => {
    expect(thrown(() => normalizeHost(undefined as unknown as string)).code).toBe('INVALID_INPUT');
  });
});

describe('isIpHost', () => {
  it.each([
    ['127.0.0.1', true],
    ['[::1]', true],
    ['acme.example.com', false],
    ['localhost', false],
  ])('says %j is an IP host: %s', (host, expected) => {
    expect(isIpHost(normalizeHost(host))).toBe(expected);
  });
});
