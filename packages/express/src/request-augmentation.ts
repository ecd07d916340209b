import type { RequestTenancy } from './register.js';

// Express's own types put `Request` in the global `Express` namespace for exactly this kind of merging.
declare global {
  namespace Express {
    interface Request {
      /**
       * The tenant, principal, membership and permission checks of this request, set by `tenancyMiddleware()`.
       * `undefined` on routes the middleware does not cover; the guards then refuse with TENANT_REQUIRED.
       */
      tenancy?: RequestTenancy | undefined;
    }
  }
}
