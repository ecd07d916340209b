import { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import type { RequestTenancy } from './register.js';
import { setRequestTenancy } from './tenancy-slot.js';

// Express-shaped prototype chains without Express: request -> an app's `request` -> Express's base `request` ->
// IncomingMessage.prototype. (The HTTP tests in tenancy-middleware.test.ts cover real Express requests.)
function expressLikeChain() {
  const base = Object.create(IncomingMessage.prototype) as object;
  const appRequest = Object.create(base) as object;
  const request = () => Object.create(appRequest) as Parameters<typeof setRequestTenancy>[0];
  return { base, appRequest, request };
}
const resolution = (slug: string) => ({ tenant: { slug } }) as unknown as RequestTenancy;

describe('setRequestTenancy', () => {
  it('puts the accessor on the prototype next to IncomingMessage, not on the request or on Node’s prototype', () => {
    const { base, appRequest, request } = expressLikeChain();
    const [a, b] = [request(), request()];
    setRequestTenancy(a, resolution('acme'));
    setRequestTenancy(b, resolution('globex'));
    expect([a.tenancy?.tenant?.slug, b.tenancy?.tenant?.slug]).toEqual(['acme', 'globex']);
    expect([Object.hasOwn(a, 'tenancy'), Object.hasOwn(appRequest, 'tenancy'), Object.hasOwn(base, 'tenancy')]).toEqual(
      [false, false, true],
    );
    expect(Object.hasOwn(IncomingMessage.prototype, 'tenancy')).toBe(false);
    expect(request().tenancy).toBeUndefined();
  });

  it('serves a second app’s requests (another `request` object on the same base) through the same accessor', () => {
    const { base, request } = expressLikeChain();
    setRequestTenancy(request(), resolution('acme'));
    const otherApp = Object.create(base) as object;
    const req = Object.create(otherApp) as Parameters<typeof setRequestTenancy>[0];
    setRequestTenancy(req, resolution('globex'));
    expect([req.tenancy?.tenant?.slug, Object.hasOwn(req, 'tenancy')]).toEqual(['globex', false]);
  });

  it('lets a later assignment replace the value, as a property would', () => {
    const { request } = expressLikeChain();
    const req = request();
    setRequestTenancy(req, resolution('acme'));
    req.tenancy = resolution('globex');
    expect(req.tenancy?.tenant?.slug).toBe('globex');
    setRequestTenancy(req, resolution('initech'));
    expect(req.tenancy?.tenant?.slug).toBe('initech');
  });

  it('falls back to a plain property on a request that is not Express’s (no prototype between it and IncomingMessage)', () => {
    const req = Object.create(IncomingMessage.prototype) as Parameters<typeof setRequestTenancy>[0];
    setRequestTenancy(req, resolution('acme'));
    expect([req.tenancy?.tenant?.slug, Object.hasOwn(req, 'tenancy')]).toEqual(['acme', true]);
    expect(Object.hasOwn(IncomingMessage.prototype, 'tenancy')).toBe(false);
    const notAMessage = Object.create({}) as Parameters<typeof setRequestTenancy>[0];
    setRequestTenancy(notAMessage, resolution('globex'));
    expect([notAMessage.tenancy?.tenant?.slug, Object.hasOwn(notAMessage, 'tenancy')]).toEqual(['globex', true]);
  });

  it('falls back to a plain property when the prototype is frozen or defines a `tenancy` of its own', () => {
    const frozen = expressLikeChain();
    Object.freeze(frozen.base);
    const a = frozen.request();
    setRequestTenancy(a, resolution('acme'));
    expect([a.tenancy?.tenant?.slug, Object.hasOwn(a, 'tenancy')]).toEqual(['acme', true]);

    const taken = expressLikeChain();
    Object.defineProperty(taken.appRequest, 'tenancy', { value: 'theirs', writable: true, configurable: true });
    const b = taken.request();
    setRequestTenancy(b, resolution('globex'));
    expect([b.tenancy?.tenant?.slug, Object.hasOwn(b, 'tenancy'), Object.hasOwn(taken.base, 'tenancy')]).toEqual([
      'globex',
      true,
      false,
    ]);
  });

  it('keeps a `tenancy` the request already carries as its own property authoritative', () => {
    const { request } = expressLikeChain();
    const req = request();
    setRequestTenancy(request(), resolution('acme'));
    Object.defineProperty(req, 'tenancy', { value: resolution('old'), writable: true, configurable: true });
    setRequestTenancy(req, resolution('globex'));
    expect(req.tenancy?.tenant?.slug).toBe('globex');
  });
});
