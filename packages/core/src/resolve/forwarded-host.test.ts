import { describe, expect, it } from 'vitest';
import type { TenantResolverOptions } from './create-tenant-resolver.js';
import { createTenantResolver } from './create-tenant-resolver.js';
import { ACME, countingStore, GLOBEX, rejection, thrown } from './fixtures.test-helper.js';
import type { TrustedProxy } from './forwarded-host.js';
import { pickForwardedHost } from './forwarded-host.js';
import { fromSubdomain } from './from-subdomain.js';

const xfh = (hops: number): TrustedProxy => ({ hops, header: 'x-forwarded-host' });
const fwd = (hops: number): TrustedProxy => ({ hops, header: 'forwarded' });

describe('pickForwardedHost', () => {
  it.each<[string, TrustedProxy, string]>([
    ['acme.example.com', xfh(1), 'acme.example.com'],
    ['  acme.example.com  ', xfh(1), 'acme.example.com'],
    // The client sent "evil", the one trusted proxy appended what it saw: the right end is the proxy's.
    ['evil.example.com, acme.example.com', xfh(1), 'acme.example.com'],
    ['evil.example.com,acme.example.com', xfh(1), 'acme.example.com'],
    // Two trusted proxies: the edge appended the public host, the inner one the host the edge sent it.
    ['evil.example.com, acme.example.com, origin.internal', xfh(2), 'acme.example.com'],
    // Fewer entries than hops: every entry came from a trusted proxy; the leftmost is the outermost.
    ['acme.example.com', xfh(2), 'acme.example.com'],
    ['a, b, c, d', xfh(3), 'b'],
    ['evil.example.com,', xfh(1), ''],
    ['for=192.0.2.60;proto=https;host=acme.example.com', fwd(1), 'acme.example.com'],
    ['for=192.0.2.60;Host="acme.example.com:8443"', fwd(1), 'acme.example.com:8443'],
    ['host=evil.example.com, for=192.0.2.60;host=acme.example.com', fwd(1), 'acme.example.com'],
    ['host="evil.example.com, for=x;host=x", for=192.0.2.60;host=acme.example.com', fwd(1), 'acme.example.com'],
    ['host=evil.example.com, host=acme.example.com, for=10.0.0.1;host=origin', fwd(2), 'acme.example.com'],
    ['host="a\\".example.com"', fwd(1), 'a".example.com'],
  ])('takes the trusted entry of %j with %j: %j', (value, proxy, expected) => {
    const header = proxy.header === 'forwarded' ? 'forwarded' : 'x-forwarded-host';
    expect(pickForwardedHost(new Headers({ [header]: value }), proxy)).toBe(expected);
  });

  it('returns undefined when the header is absent or the chosen Forwarded element has no host', () => {
    expect(pickForwardedHost(new Headers(), xfh(1))).toBeUndefined();
    expect(pickForwardedHost(new Headers({ forwarded: 'host=evil.test, for=10.0.0.1' }), fwd(1))).toBeUndefined();
  });

  it.each([
    ['host="acme.example.com', 'has an unterminated quoted string'],
    ['for', 'has a parameter without "="'],
    ['host=a.test;host=b.test', 'has more than one host parameter in one element'],
    ['host="a.test"x', 'has a malformed quoted string'],
  ])('refuses the malformed Forwarded header %j', (value, problem) => {
    const error = thrown(() => pickForwardedHost(new Headers({ forwarded: value }), fwd(1)));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toBe(`The Forwarded header ${problem}.`);
  });
});

describe('host selection with and without a trusted proxy', () => {
  const resolverWith = (trustProxy: TenantResolverOptions['trustProxy']) => {
    const { store } = countingStore();
    return createTenantResolver({ store, trustProxy, strategies: [fromSubdomain({ baseDomain: 'example.com' })] });
  };
  const request = (headers: Record<string, string>) => new Request('http://10.0.0.5:3000/x', { headers });

  it('ignores a spoofed X-Forwarded-Host and Forwarded when no proxy is trusted', async () => {
    const resolve = resolverWith(undefined);
    const result = await resolve(
      request({
        host: 'acme.example.com',
        'x-forwarded-host': 'globex.example.com',
        forwarded: 'host=globex.example.com',
      }),
    );
    expect(result.tenant).toEqual(ACME);
    expect((await resolverWith(false)(request({ host: 'acme.example.com', 'x-forwarded-host': 'x' }))).tenant).toEqual(
      ACME,
    );
  });

  it('uses X-Forwarded-Host from a trusted proxy, taking the entry the proxy appended', async () => {
    const resolve = resolverWith(true);
    expect(
      (await resolve(request({ host: 'internal:3000', 'x-forwarded-host': 'globex.example.com' }))).tenant,
    ).toEqual(GLOBEX);
    const spoofed = request({ host: 'internal', 'x-forwarded-host': 'acme.example.com, globex.example.com' });
    expect((await resolve(spoofed)).tenant).toEqual(GLOBEX);
  });

  it('does not read Forwarded when the trusted proxy writes X-Forwarded-Host, and the other way round', async () => {
    const headers = {
      host: 'acme.example.com',
      forwarded: 'host=globex.example.com',
      'x-forwarded-host': 'acme.example.com',
    };
    expect((await resolverWith(true)(request(headers))).tenant).toEqual(ACME);
    const viaForwarded = resolverWith({ header: 'forwarded' });
    expect((await viaForwarded(request(headers))).tenant).toEqual(GLOBEX);
    expect(
      (await viaForwarded(request({ host: 'acme.example.com', 'x-forwarded-host': 'globex.example.com' }))).tenant,
    ).toEqual(ACME);
  });

  it('counts hops from the right', async () => {
    const resolve = resolverWith({ hops: 2 });
    const headers = { host: 'origin', 'x-forwarded-host': 'acme.example.com, globex.example.com, origin.internal' };
    expect((await resolve(request(headers))).tenant).toEqual(GLOBEX);
  });

  it('falls back to the Host header when the trusted proxy sent no host', async () => {
    expect((await resolverWith(true)(request({ host: 'acme.example.com' }))).tenant).toEqual(ACME);
    const noHostParam = request({ host: 'acme.example.com', forwarded: 'for=192.0.2.1;proto=https' });
    expect((await resolverWith({ header: 'forwarded' })(noHostParam)).tenant).toEqual(ACME);
  });

  it('falls back to the request URL when there is no Host header', async () => {
    const resolve = resolverWith(undefined);
    expect((await resolve(new Request('https://globex.example.com/'))).tenant).toEqual(GLOBEX);
  });

  it('refuses a malformed host from a trusted proxy and names the header', async () => {
    const error = await rejection(
      resolverWith(true)(request({ host: 'acme.example.com', 'x-forwarded-host': 'acme.example.com, a..example.com' })),
    );
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toBe('The X-Forwarded-Host header has an empty label ("..", or a leading dot).');
    const empty = await rejection(resolverWith(true)(request({ host: 'acme.example.com', 'x-forwarded-host': 'x,' })));
    expect(empty.message).toBe('The X-Forwarded-Host header is empty.');
    const forwarded = await rejection(
      resolverWith({ header: 'forwarded' })(request({ host: 'acme.example.com', forwarded: 'host="evil.test/x"' })),
    );
    expect(forwarded.message).toBe(
      'The host in the Forwarded header contains characters that are not allowed in a host name (only a-z, 0-9, "-" and ".").',
    );
  });

  it('refuses a malformed Host header', async () => {
    const error = await rejection(resolverWith(undefined)(request({ host: 'acme.example.com:99999' })));
    expect(error.message).toBe('The Host header has an invalid port.');
  });
});
