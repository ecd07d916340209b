import { TenancyError } from '@tenancy/core';
import type { RequestHandler } from 'express';
import { tenancyOf } from './tenancy-of.js';

/**
 * A guard that lets the request through only when it runs in a tenant context (a resolved tenant the principal may
 * act in); otherwise it passes TENANT_REQUIRED to the error handler.
 * @example
 * app.use('/app', requireTenant());
 * @see https://github.com/tenancy/tenancy/blob/main/docs/express.md#guards
 */
export function requireTenant(): RequestHandler {
  return function requireTenant(req, _res, next): void {
    try {
      if (tenancyOf(req).context === undefined) {
        throw new TenancyError('TENANT_REQUIRED', 'This route needs a tenant you are a member of.');
      }
    } catch (error) {
      next(error);
      return;
    }
    next();
  };
}
