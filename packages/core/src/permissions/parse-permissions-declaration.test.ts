import { describe, expect, it } from 'vitest';
import { isTenancyError } from '../errors/tenancy-error.js';
import { definePermissions } from './define-permissions.js';

function configError(declaration: unknown, options?: unknown): { message: string; path: unknown } {
  try {
    definePermissions(declaration as never, options as never);
  } catch (error) {
    if (isTenancyError(error, 'INVALID_CONFIG'))
      return { message: error.message, path: (error.details as { path?: unknown } | undefined)?.path };
    throw error;
  }
  throw new Error('expected INVALID_CONFIG, got a model');
}

const resources = { project: ['read', 'delete'], billing: ['read'] };

describe('parsePermissionsDeclaration', () => {
  it('rejects a role inheriting from an undeclared role, naming the inherits entry', () => {
    expect(configError({ resources, roles: { admin: { inherits: ['member', 'viewr'] }, member: {} } })).toEqual({
      message: 'Invalid permissions declaration at "roles.admin.inherits.1": unknown role "viewr".',
      path: ['roles', 'admin', 'inherits', '1'],
    });
  });

  it('rejects malformed permission strings', () => {
    for (const bad of ['project', 'project:read:extra', ':read', 'project:', '*:read', '**', '']) {
      expect(configError({ resources, roles: { admin: { allow: ['project:read', bad] } } })).toEqual({
        message: `Invalid permissions declaration at "roles.admin.allow.1": malformed permission "${bad}": expected "resource:action", "resource:*" or "*".`,
        path: ['roles', 'admin', 'allow', '1'],
      });
    }
  });

  it('rejects an undeclared resource or action in a deny list', () => {
    expect(configError({ resources, roles: { admin: { deny: ['projects:*'] } } })).toEqual({
      message: 'Invalid permissions declaration at "roles.admin.deny.0": unknown resource "projects" in "projects:*".',
      path: ['roles', 'admin', 'deny', '0'],
    });
    expect(configError({ resources, roles: { admin: { deny: ['billing:update'] } } })).toEqual({
      message:
        'Invalid permissions declaration at "roles.admin.deny.0": unknown action "update" for resource "billing" in "billing:update".',
      path: ['roles', 'admin', 'deny', '0'],
    });
  });

  it('rejects an inheritance cycle, naming the edge that closes it', () => {
    expect(
      configError({ resources, roles: { owner: { inherits: ['admin'] }, admin: { inherits: ['owner'] } } }),
    ).toEqual({
      message:
        'Invalid permissions declaration at "roles.admin.inherits.0": role inheritance cycle: owner -> admin -> owner.',
      path: ['roles', 'admin', 'inherits', '0'],
    });
  });

  it('rejects a role inheriting from itself', () => {
    expect(configError({ resources, roles: { admin: { inherits: ['admin'] } } })).toEqual({
      message: 'Invalid permissions declaration at "roles.admin.inherits.0": role inheritance cycle: admin -> admin.',
      path: ['roles', 'admin', 'inherits', '0'],
    });
  });

  it('accepts diamond inheritance, which is not a cycle', () => {
    const model = definePermissions({
      resources: { doc: ['read', 'write', 'share'] },
      roles: {
        base: { allow: ['doc:read'] },
        writer: { inherits: ['base'], allow: ['doc:write'] },
        sharer: { inherits: ['base'], allow: ['doc:share'] },
        editor: { inherits: ['writer', 'sharer'] },
      },
    });
    const subject = { tenantId: 't', userId: 'u', roles: ['editor'] };
    expect(model.permissions.filter((p) => model.can(subject, p))).toEqual(['doc:read', 'doc:write', 'doc:share']);
  });

  it('checks platform roles against platform resources, with a platform path', () => {
    expect(
      configError({
        resources,
        roles: {},
        platform: { resources: { tenant: ['read'] }, roles: { support: { allow: ['project:read'] } } },
      }),
    ).toEqual({
      message:
        'Invalid permissions declaration at "platform.roles.support.allow.0": unknown resource "project" in "project:read".',
      path: ['platform', 'roles', 'support', 'allow', '0'],
    });
    expect(
      configError({
        resources,
        roles: { admin: {} },
        platform: { resources: {}, roles: { op: { inherits: ['admin'] } } },
      }),
    ).toEqual({
      message: 'Invalid permissions declaration at "platform.roles.op.inherits.0": unknown role "admin".',
      path: ['platform', 'roles', 'op', 'inherits', '0'],
    });
  });

  it('rejects resource and action names that could not be parsed back out of a permission', () => {
    expect(configError({ resources: { 'project:x': ['read'] }, roles: {} })).toEqual({
      message:
        'Invalid permissions declaration at "resources.project:x": invalid name: use letters, digits, "_", "." and "-" (no ":" or "*").',
      path: ['resources', 'project:x'],
    });
    expect(configError({ resources: { project: ['read', '*'] }, roles: {} })).toEqual({
      message:
        'Invalid permissions declaration at "resources.project.1": use letters, digits, "_", "." and "-" (no ":" or "*").',
      path: ['resources', 'project', '1'],
    });
  });

  it('rejects a resource without actions', () => {
    expect(configError({ resources: { project: [] }, roles: {} }).path).toEqual(['resources', 'project']);
  });

  it('rejects unknown keys in a role and in the declaration', () => {
    expect(configError({ resources, roles: { admin: { allows: ['*'] } } })).toEqual({
      message: 'Invalid permissions declaration at "roles.admin": Unrecognized key: "allows".',
      path: ['roles', 'admin'],
    });
    expect(configError({ resources, roles: {}, role: {} }).path).toEqual([]);
  });

  it('rejects a "__proto__" role or resource instead of dropping it', () => {
    expect(configError(JSON.parse('{"resources":{},"roles":{"__proto__":{"allow":["*"]}}}'))).toEqual({
      message: 'Invalid permissions declaration at "roles.__proto__": reserved name.',
      path: ['roles', '__proto__'],
    });
    expect(
      configError(JSON.parse('{"resources":{},"roles":{},"platform":{"resources":{"__proto__":["x"]},"roles":{}}}'))
        .path,
    ).toEqual(['platform', 'resources', '__proto__']);
  });

  it('rejects a declaration that is not an object', () => {
    expect(configError(undefined).path).toEqual([]);
    expect(configError({ resources: [], roles: {} }).path).toEqual(['resources']);
  });

  it('rejects an audit option that is not a function', () => {
    expect(configError({ resources, roles: {} }, { audit: 'log' })).toEqual({
      message: 'Invalid permissions options at "audit": expected a function.',
      path: ['audit'],
    });
  });
});
