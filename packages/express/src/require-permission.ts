import { TenancyError } from '@tenancy/core';
import type { Request, RequestHandler } from 'express';
import type { RegisteredPermission } from './register.js';
import { tenancyOf } from './tenancy-of.js';

/** Options for {@link requirePermission}. */
export interface RequirePermissionOptions {
  /**
   * The workspace the action happens in, read from the request (usually a route param). When it returns `undefined`
   * the check is tenant-wide, which only tenant-wide roles pass: a missing id never widens access. Express 5 types
   * route params as `string | string[]`; an array (a wildcard param) is refused with INVALID_INPUT.
   */
  workspaceId?: ((req: Request) => string | readonly string[] | undefined) | undefined;
}

/**
 * A guard that lets the request through only when the principal holds `permission` in the request's tenant (or in
 * the workspace `options.workspaceId` names). Refusals go to the error handler with the code core chose:
 * TENANT_REQUIRED, UNAUTHENTICATED, MEMBERSHIP_REQUIRED or PERMISSION_DENIED.
 * @example
 * app.post('/w/:workspaceId/projects', requirePermission('project:create', { workspaceId: ({ params: { workspaceId } }) => workspaceId }), createProject);
 * @see https://github.com/tenancy/tenancy/blob/main/docs/express.md#guards
 */
export function requirePermission(
  permission: RegisteredPermission,
  options: RequirePermissionOptions = {},
): RequestHandler {
  const { workspaceId } = options;
  return function requirePermission(req, _res, next): void {
    try {
      const id = workspaceId?.(req);
      if (id !== undefined && typeof id !== 'string') {
        throw new TenancyError('INVALID_INPUT', 'The workspace id of this route must be a single path segment.');
      }
      tenancyOf(req).assert(permission, id === undefined ? undefined : { workspaceId: id });
    } catch (error) {
      next(error);
      return;
    }
    next();
  };
}
