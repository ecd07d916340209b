import { TenancyError } from '@tenancy/core';
import type { Request } from 'express';
import type { RequestTenancy } from './register.js';
import './request-augmentation.js';

/**
 * The request's `req.tenancy`; throws TENANT_REQUIRED when `tenancyMiddleware()` did not run for this route, so a
 * handler never mistakes a missing middleware for an anonymous request.
 * @example
 * app.get('/me', (req, res) => {
 *   const { tenant, membership } = tenancyOf(req);
 *   res.json({ tenant: tenant?.slug, roles: membership?.roles ?? [] });
 * });
 * @see https://github.com/tenancy/tenancy/blob/main/docs/express.md#reqtenancy
 */
export function tenancyOf(req: Request): RequestTenancy {
  const tenancy = req.tenancy;
  if (tenancy === undefined) {
    throw new TenancyError(
      'TENANT_REQUIRED',
      'This route is not behind tenancyMiddleware(): mount app.use(tenancyMiddleware(tenancy)) before it.',
    );
  }
  return tenancy;
}
