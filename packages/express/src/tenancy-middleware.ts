import type { ResolvedRequest, ResolveRequestOptions, Tenancy } from '@tenancy/core';
import { resolveEagerly } from '@tenancy/core';
import type { Request as ExpressRequest, NextFunction, RequestHandler, Response } from 'express';
import type { RequestTenancy } from './register.js';
import { setRequestTenancy } from './tenancy-slot.js';
import { toRequestLike } from './to-request-like.js';
import './request-augmentation.js';

/** Options for {@link tenancyMiddleware}. */
export interface TenancyMiddlewareOptions {
  /**
   * Per-request options for `tenancy.resolve()`, e.g. the audited platform path for an operator console:
   * `(req) => (req.path.startsWith('/admin') ? { platform: { reason: String(req.get('x-access-reason')) } } : undefined)`.
   * Core decides whether the principal may use it.
   */
  resolveOptions?: ((req: ExpressRequest) => ResolveRequestOptions | undefined) | undefined;
}

/**
 * Resolves the tenant of every request through core, puts the result on `req.tenancy`, and runs the rest of the chain
 * inside the tenant context, so `requireTenant()` and the tenant-scoped database work in any later handler, also
 * after awaits. Resolution errors (unknown tenant, suspended, not a member, bad token) go to `next(err)`; mount
 * `tenancyErrorHandler()` to answer them.
 * @example
 * const app = express();
 * app.use(tenancyMiddleware(tenancy));
 * app.get('/projects', requirePermission('project:read'), async (req, res) => {
 *   res.json(await db.run((tx) => tx.select().from(projects)));
 * });
 * app.use(tenancyErrorHandler());
 * @see https://github.com/tenancy/tenancy/blob/main/docs/express.md
 */
export function tenancyMiddleware<TPermission extends string>(
  tenancy: Tenancy<TPermission>,
  options: TenancyMiddlewareOptions = {},
): RequestHandler {
  const { resolveOptions } = options;
  const proceed = (req: ExpressRequest, next: NextFunction, resolved: ResolvedRequest<TPermission>): void => {
    // Assigned before the chain continues, never mutated after: later middleware reads one resolution.
    setRequestTenancy(req, resolved as unknown as RequestTenancy);
    if (resolved.context === undefined) {
      // No context: later handlers run outside any tenant, so requireTenant() and the scoped database refuse.
      next();
      return;
    }
    // `next()` runs the rest of the chain synchronously from here, so everything it starts inherits the context.
    tenancy.run(resolved, next);
  };
  // Not an async function: Express would chain a handler of its own onto the promise it returns. When resolution
  // needed no promise (everything it read was cached), the chain goes on at once instead of a microtask later. Every
  // error still reaches `next(error)`: from here directly, or through Express's own try/catch around this handler.
  return function tenancyMiddleware(req: ExpressRequest, _res: Response, next: NextFunction): void {
    let resolved: ResolvedRequest<TPermission> | Promise<ResolvedRequest<TPermission>>;
    try {
      resolved = resolveEagerly(tenancy, toRequestLike(req), resolveOptions?.(req));
    } catch (error) {
      next(error);
      return;
    }
    if (!(resolved instanceof Promise)) {
      proceed(req, next, resolved);
      return;
    }
    resolved.then((settled) => {
      try {
        proceed(req, next, settled);
      } catch (error) {
        next(error);
      }
    }, next);
  };
}
