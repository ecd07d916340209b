import { IncomingMessage } from 'node:http';
import type { Request as ExpressRequest } from 'express';
import type { RequestTenancy } from './register.js';

// `req.tenancy` without adding a property to `req`. Express 5 gives every request object a map (hidden class) of its
// own: it changes the object's prototype to the app's request object, a transition V8 does not cache. Every property
// added after that makes V8 build yet another map for that one object, and every property read afterwards, by
// Express, the router and the app alike, misses V8's lookup caches again. So `req.tenancy` is an accessor on Express's
// request prototype (shared by every app and sub-app of that copy of Express), and the resolutions live in a WeakMap
// keyed by the request, which keeps each alive no longer than its request.
const resolutions = new WeakMap<object, RequestTenancy | undefined>();

// Prototypes (an app's `request` object) whose chain is known to reach the accessor, and those known not to.
const ready = new WeakSet<object>();
const plain = new WeakSet<object>();

const accessor: PropertyDescriptor = {
  configurable: true,
  enumerable: false,
  get(this: object): RequestTenancy | undefined {
    return resolutions.get(this);
  },
  set(this: object, value: RequestTenancy | undefined) {
    resolutions.set(this, value);
  },
};

/** Sets `req.tenancy` to `value`, through the accessor when the request's prototype chain can carry one. */
export function setRequestTenancy(req: ExpressRequest, value: RequestTenancy): void {
  const proto: unknown = Object.getPrototypeOf(req);
  if (
    typeof proto === 'object' &&
    proto !== null &&
    (ready.has(proto) || (!plain.has(proto) && installAccessor(proto))) &&
    !Object.hasOwn(req, 'tenancy')
  ) {
    resolutions.set(req, value);
    return;
  }
  // Not an Express request (no prototype of Express's between it and IncomingMessage), or one that carries a
  // `tenancy` of its own already: a plain property.
  req.tenancy = value;
}

// Finds Express's request prototype in `proto`'s chain (the one whose prototype is IncomingMessage's) and defines the
// accessor there, unless something else already defines `tenancy` on the way. True when the chain now reaches it.
function installAccessor(proto: object): boolean {
  let target: object | null = proto;
  while (target !== null) {
    const descriptor = Object.getOwnPropertyDescriptor(target, 'tenancy');
    if (descriptor !== undefined) {
      if (descriptor.get !== accessor.get) {
        plain.add(proto);
        return false;
      }
      ready.add(proto);
      return true;
    }
    const next: object | null = Object.getPrototypeOf(target);
    if (next === IncomingMessage.prototype) break;
    target = next;
  }
  if (target === null || !Object.isExtensible(target)) {
    plain.add(proto);
    return false;
  }
  Object.defineProperty(target, 'tenancy', accessor);
  ready.add(proto);
  return true;
}
