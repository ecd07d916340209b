import { describe, expect, it } from 'vitest';
import { createTenantResolver } from './create-tenant-resolver.js';
import { ACME, countingStore, GLOBEX, rejection } from './fixtures.test-helper.js';
import { fromCallback } from './from-callback.js';
import { fromHeader } from './from-header.js';
import { fromPath } from './from-path.js';
import { fromQuery } from './from-query.js';
import { fromSubdomain } from './from-subdomain.js';
import type { RequestLike } from './request-like.js';
import { isRequestLike, toFullRequest } from './request-like.js';

/** A RequestLike over a plain header record, counting what core reads from it. */
function requestLike(url: string, headers: Record<string, string>) {
  const reads: string[] = [];
  const built: Request[] = [];
  const like: RequestLike = {
    url,
    headers: {
      get(name) {
        reads.push(name);
        return headers[name.toLowerCase()] ?? null;
      },
    },
    toRequest() {
      const request = new Request(url, { headers });
      built.push(request);
      return request;
    },
  };
  return { like, reads, built };
}

describe('isRequestLike', () => {
  it('tells a RequestLike from a web Request, whose class has no toRequest', () => {
    const request = new Request('https://acme.example.com/');
    expect(isRequestLike(requestLike('https://acme.example.com/', {}).like)).toBe(true);
    expect(isRequestLike(request)).toBe(false);
    expect(toFullRequest(request)).toBe(request);
  });
});

describe('createTenantResolver with a RequestLike', () => {
  it('reads the host from headers.get("host") and never builds a Request', async () => {
    const { store } = countingStore();
    const resolve = createTenantResolver({ store, strategies: [fromSubdomain({ baseDomain: 'example.com' })] });
    const { like, reads, built } = requestLike('https://ignored.example.com/projects', { host: 'acme.example.com' });
    const result = await resolve(like);
    expect(result.tenant?.id).toBe(ACME.id);
    expect(reads).toEqual(['host']);
    expect(built).toEqual([]);
  });

  it('reads header strategies through headers.get, so a repeated header ("a, b") is refused as with a Request', async () => {
    const { store, calls } = countingStore();
    const resolve = createTenantResolver({ store, strategies: [fromHeader({ name: 'X-Tenant', kind: 'slug' })] });
    const ok = requestLike('https://api.test/', { 'x-tenant': 'acme' });
    expect((await resolve(ok.like)).tenant?.id).toBe(ACME.id);
    expect(ok.reads).toEqual(['x-tenant']);

    const twice = requestLike('https://api.test/', { 'x-tenant': 'acme, globex' });
    const error = await rejection(resolve(twice.like));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toBe(
      'The tenant slug from "header:x-tenant" contains characters other than a-z, 0-9 and "-".',
    );
    expect(calls).toEqual(['slug:acme']);
    expect([...ok.built, ...twice.built]).toEqual([]);
  });

  it('reads the path and the query from url', async () => {
    const { store } = countingStore();
    const resolve = createTenantResolver({ store, strategies: [fromPath(), fromQuery({ name: 'org' })] });
    const { like, built } = requestLike('https://app.test/t/globex/x?org=globex', { host: 'app.test' });
    const result = await resolve(like);
    expect(result.tenant?.id).toBe(GLOBEX.id);
    expect(result.sources).toEqual(['path', 'query:org']);
    expect(built).toEqual([]);
  });

  it('builds the Request once, on the first read of input.request, and hands every reader that one', async () => {
    const { store } = countingStore();
    const seen: unknown[] = [];
    const reader = (source: string) =>
      fromCallback(
        (input) => {
          seen.push(input.request, input.request.headers.get('cookie'), input.header('cookie'));
          return undefined;
        },
        { source },
      );
    const resolve = createTenantResolver({ store, strategies: [reader('first'), reader('second')] });
    const { like, built } = requestLike('https://app.test/', { host: 'app.test', cookie: 'sid=1' });
    expect((await resolve(like)).tenant).toBeUndefined();
    expect(built).toHaveLength(1);
    expect(seen).toEqual([built[0], 'sid=1', 'sid=1', built[0], 'sid=1', 'sid=1']);
  });

  it('hands a web Request itself to input.request', async () => {
    const { store } = countingStore();
    const seen: Request[] = [];
    const resolve = createTenantResolver({
      store,
      strategies: [
        fromCallback((input) => {
          seen.push(input.request);
          return undefined;
        }),
      ],
    });
    const request = new Request('https://app.test/');
    await resolve(request);
    expect(seen).toEqual([request]);
    expect(seen[0]).toBe(request);
  });
});
