import { describe, expect, it } from 'vitest';
import type { TenancyErrorCode } from '../errors/codes.js';
import { createTenantResolver } from './create-tenant-resolver.js';
import { ACME, countingStore, GLOBEX, rejection } from './fixtures.test-helper.js';
import { fromCustomDomain } from './from-custom-domain.js';
import { fromHeader } from './from-header.js';
import { fromPath } from './from-path.js';
import { fromQuery } from './from-query.js';
import { fromSubdomain } from './from-subdomain.js';

type Outcome = { slug: string } | 'no tenant' | { code: TenancyErrorCode; message: string };

interface Row {
  name: string;
  /** Host header value; the request URL itself is a neutral internal address. */
  host?: string;
  url?: string;
  headers?: Record<string, string>;
  trustProxy?: boolean;
  expected: Outcome;
}

const longLabel = 'a'.repeat(300);
const hostInvalid = (problem: string) => ({ code: 'INVALID_INPUT' as const, message: `The Host header ${problem}.` });
const idInvalid = {
  code: 'INVALID_INPUT' as const,
  message:
    'The tenant id from "header:x-tenant-id" is not a uuid (expected 8-4-4-4-12 hexadecimal digits, without braces or prefix).',
};
const pathSlugInvalid = (problem: string) => ({
  code: 'INVALID_INPUT' as const,
  message: `The tenant slug from "path" ${problem}.`,
});
const CHARS = 'contains characters that are not allowed in a host name (only a-z, 0-9, "-" and ".")';
const PUNYCODE = 'has "--" in positions 3-4, which is reserved for punycode names like "xn--"';

const rows: Row[] = [
  { name: 'a trailing dot on a single label', host: 'ACME.', expected: 'no tenant' },
  { name: 'a trailing dot on a tenant host', host: 'acme.example.com.', expected: { slug: 'acme' } },
  {
    name: 'two trailing dots',
    host: 'acme.example.com..',
    expected: hostInvalid('has an empty label ("..", or a leading dot)'),
  },
  { name: 'a port without a host', host: ':443', expected: hostInvalid('has no host name') },
  { name: 'a tenant host with a port', host: 'acme.example.com:443', expected: { slug: 'acme' } },
  { name: 'an uppercase tenant host', host: 'ACME.EXAMPLE.COM', expected: { slug: 'acme' } },
  {
    name: 'a punycode homograph label',
    host: 'xn--pple-43d.example.com',
    expected: { code: 'INVALID_INPUT', message: `The tenant slug from "subdomain" ${PUNYCODE}.` },
  },
  {
    name: 'a Cyrillic homograph in the request URL',
    url: 'https://\u0430pple.example.com/',
    expected: { code: 'INVALID_INPUT', message: `The tenant slug from "subdomain" ${PUNYCODE}.` },
  },
  {
    name: 'a Latin-1 Unicode label in the Host header',
    host: 'b\u00fccher.example.com',
    expected: { code: 'INVALID_INPUT', message: `The tenant slug from "subdomain" ${PUNYCODE}.` },
  },
  {
    name: 'a Unicode custom domain (looked up as punycode)',
    host: 'b\u00fccher.de',
    expected: { code: 'TENANT_NOT_FOUND', message: 'No tenant matches the domain from "custom-domain".' },
  },
  {
    name: 'an empty label',
    host: 'a..example.com',
    expected: hostInvalid('has an empty label ("..", or a leading dot)'),
  },
  { name: 'a leading dot', host: '.example.com', expected: hostInvalid('has an empty label ("..", or a leading dot)') },
  { name: 'an encoded traversal as host', host: '..%2f', expected: hostInvalid(CHARS) },
  { name: 'encoded dots as host', host: '%2e%2e', expected: hostInvalid(CHARS) },
  { name: 'a percent-encoded NUL in the host', host: 'acme%00.example.com', expected: hostInvalid(CHARS) },
  { name: 'a control character in the host', host: 'acme\u0001.example.com', expected: hostInvalid(CHARS) },
  {
    name: 'a C1 control character in the host',
    host: 'acme\u0085.example.com',
    expected: hostInvalid('is not a valid internationalized host name'),
  },
  { name: 'a path smuggled into the host', host: 'evil.test/acme.example.com', expected: hostInvalid(CHARS) },
  { name: 'userinfo smuggled into the host', host: 'evil.test@acme.example.com', expected: hostInvalid(CHARS) },
  { name: 'two Host values joined', host: 'acme.example.com, globex.example.com', expected: hostInvalid(CHARS) },
  { name: 'a 10 kB host', host: 'x'.repeat(10_000), expected: hostInvalid('is longer than 253 characters') },
  {
    name: 'a 300-character label',
    host: `${longLabel}.example.com`,
    expected: hostInvalid('is longer than 253 characters'),
  },
  {
    name: 'a 64-character label',
    host: `${'a'.repeat(64)}.example.com`,
    expected: hostInvalid('has a label longer than 63 characters'),
  },
  { name: 'an IPv4 literal', host: '127.0.0.1:3000', expected: 'no tenant' },
  { name: 'an IPv6 literal', host: '[::1]:3000', expected: 'no tenant' },
  {
    name: 'a shortened IPv4 literal',
    host: '127.1',
    expected: hostInvalid('ends in a number but is not a dotted-quad IPv4 address'),
  },
  {
    name: 'a host ending in the base domain without a dot',
    host: 'evilexample.com',
    expected: { code: 'TENANT_NOT_FOUND', message: 'No tenant matches the domain from "custom-domain".' },
  },
  {
    name: 'the base domain as a prefix of another host',
    host: 'acme.example.com.evil.test',
    expected: { code: 'TENANT_NOT_FOUND', message: 'No tenant matches the domain from "custom-domain".' },
  },
  { name: 'the reserved www label', host: 'www.example.com', expected: 'no tenant' },
  { name: 'the bare base domain', host: 'example.com', expected: 'no tenant' },
  { name: 'a registered custom domain', host: 'globex.io', expected: { slug: 'globex' } },
  {
    name: 'an uppercase uuid header',
    host: 'example.com',
    headers: { 'x-tenant-id': ACME.id.toUpperCase() },
    expected: { slug: 'acme' },
  },
  { name: 'a uuid with braces', host: 'example.com', headers: { 'x-tenant-id': `{${ACME.id}}` }, expected: idInvalid },
  { name: 'a urn uuid', host: 'example.com', headers: { 'x-tenant-id': `urn:uuid:${ACME.id}` }, expected: idInvalid },
  {
    name: 'a uuid without hyphens',
    host: 'example.com',
    headers: { 'x-tenant-id': ACME.id.replaceAll('-', '') },
    expected: idInvalid,
  },
  { name: 'a SQL-looking id', host: 'example.com', headers: { 'x-tenant-id': "' OR 1=1 --" }, expected: idInvalid },
  {
    name: 'a SQL-looking id after a uuid',
    host: 'example.com',
    headers: { 'x-tenant-id': `${ACME.id}'; DROP TABLE tenants; --` },
    expected: idInvalid,
  },
  { name: 'a percent-encoded NUL id', host: 'example.com', headers: { 'x-tenant-id': '%00' }, expected: idInvalid },
  {
    name: 'a control character in the id',
    host: 'example.com',
    headers: { 'x-tenant-id': `${ACME.id}\u0001` },
    expected: idInvalid,
  },
  {
    name: 'a tab-separated header line in the id',
    host: 'example.com',
    headers: { 'x-tenant-id': `${ACME.id}\tx-tenant-id: ${GLOBEX.id}` },
    expected: idInvalid,
  },
  { name: 'a 10 kB id', host: 'example.com', headers: { 'x-tenant-id': 'a'.repeat(10_000) }, expected: idInvalid },
  {
    name: 'a dot-segment path',
    host: 'example.com',
    url: 'http://internal/t/acme/../globex/projects',
    expected: { slug: 'globex' },
  },
  {
    name: 'an encoded dot-segment path',
    host: 'example.com',
    url: 'http://internal/t/acme/%2e%2e/globex',
    expected: { slug: 'globex' },
  },
  {
    name: 'an encoded slash in the path segment',
    host: 'example.com',
    url: 'http://internal/t/..%2fglobex/',
    expected: pathSlugInvalid('contains characters other than a-z, 0-9 and "-"'),
  },
  {
    name: 'a percent-encoded slug',
    host: 'example.com',
    url: 'http://internal/t/%61cme/',
    expected: pathSlugInvalid('contains characters other than a-z, 0-9 and "-"'),
  },
  {
    name: 'a NUL in the path segment',
    host: 'example.com',
    url: 'http://internal/t/%00/',
    expected: pathSlugInvalid('contains characters other than a-z, 0-9 and "-"'),
  },
  {
    name: 'a SQL-looking path segment',
    host: 'example.com',
    url: "http://internal/t/acme';DROP TABLE tenants;--/",
    expected: pathSlugInvalid('contains characters other than a-z, 0-9 and "-"'),
  },
  {
    name: 'a 300-character path segment',
    host: 'example.com',
    url: `http://internal/t/${longLabel}/`,
    expected: pathSlugInvalid('is longer than 63 characters'),
  },
  {
    name: 'a punycode path segment',
    host: 'example.com',
    url: 'http://internal/t/xn--pple-43d/',
    expected: pathSlugInvalid(PUNYCODE),
  },
  {
    name: 'a reserved path segment',
    host: 'example.com',
    url: 'http://internal/t/admin/',
    expected: pathSlugInvalid('is reserved'),
  },
  {
    name: 'a SQL-looking query value',
    host: 'example.com',
    url: "http://internal/?tenant=acme'%20OR%20'1'='1",
    expected: {
      code: 'INVALID_INPUT',
      message: 'The tenant slug from "query:tenant" contains characters other than a-z, 0-9 and "-".',
    },
  },
  {
    name: 'a spoofed X-Forwarded-Host without a trusted proxy',
    host: 'acme.example.com',
    headers: { 'x-forwarded-host': 'globex.example.com' },
    expected: { slug: 'acme' },
  },
  {
    name: 'an X-Forwarded-Host from a trusted proxy',
    host: 'internal',
    headers: { 'x-forwarded-host': 'globex.example.com' },
    trustProxy: true,
    expected: { slug: 'globex' },
  },
  {
    name: 'a client-prepended X-Forwarded-Host behind a trusted proxy',
    host: 'internal',
    headers: { 'x-forwarded-host': 'acme.example.com, globex.example.com' },
    trustProxy: true,
    expected: { slug: 'globex' },
  },
  {
    name: 'a subdomain and a header that disagree',
    host: 'acme.example.com',
    headers: { 'x-tenant-id': GLOBEX.id },
    expected: {
      code: 'TENANT_AMBIGUOUS',
      message:
        'The tenant from "subdomain" and the tenant from "header:x-tenant-id" differ; a request must name one tenant.',
    },
  },
];

describe('tenant resolution of hostile requests', () => {
  it.each(rows)('handles $name', async ({ host, url, headers = {}, trustProxy = false, expected }) => {
    const { store, calls } = countingStore();
    const resolve = createTenantResolver({
      store,
      trustProxy,
      strategies: [
        fromSubdomain({ baseDomain: 'example.com' }),
        fromCustomDomain(),
        fromPath(),
        fromHeader(),
        fromQuery(),
      ],
    });
    const request = new Request(url ?? 'http://internal/', {
      headers: host === undefined ? headers : { ...headers, host },
    });
    if (expected === 'no tenant') {
      expect(await resolve(request)).toEqual({ tenant: undefined, source: undefined, sources: [] });
      expect(calls).toEqual([]);
    } else if ('slug' in expected) {
      expect((await resolve(request)).tenant?.slug).toBe(expected.slug);
    } else {
      const error = await rejection(resolve(request));
      expect({ code: error.code, message: error.message }).toEqual(expected);
      if (error.code === 'INVALID_INPUT') expect(calls).toEqual([]);
    }
  });

  it('cannot even be handed CR, LF or NUL in a header: the Headers class refuses them', () => {
    expect(() => new Headers({ 'x-tenant-id': `${ACME.id}\r\nx-tenant-id: ${GLOBEX.id}` })).toThrow(TypeError);
    expect(() => new Headers({ host: 'acme.example.com\u0000.evil.test' })).toThrow(TypeError);
  });
});
