import { z } from 'zod';
import { TenancyError } from '../errors/tenancy-error.js';
import type { PermissionsDeclaration, RoleDeclaration, RoleSetDeclaration } from './declaration.js';

// Resource and action names end up inside `resource:action` strings, so they may not contain ':' or '*'.
const NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
const resourceName = z.string().max(64).regex(NAME, 'use letters, digits, "_", "." and "-" (no ":" or "*")');

// Role names come from the store at check time; anything printable is fine, control characters are not.
const roleName = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[^\p{Cc}]+$/u, 'no control characters');

const roleSchema = z.strictObject({
  inherits: z.array(z.string()).optional(),
  allow: z.array(z.string()).optional(),
  deny: z.array(z.string()).optional(),
});

const roleSetShape = {
  resources: z.record(resourceName, z.array(resourceName).min(1)),
  roles: z.record(roleName, roleSchema),
};

const declarationSchema = z.strictObject({
  ...roleSetShape,
  platform: z.strictObject(roleSetShape).optional(),
});

type Path = readonly (string | number)[];

function invalid(path: Path, problem: string, cause?: unknown): TenancyError {
  const at = path.length === 0 ? '(root)' : path.join('.');
  return new TenancyError('INVALID_CONFIG', `Invalid permissions declaration at "${at}": ${problem}.`, {
    details: { path: path.map(String) },
    ...(cause === undefined ? {} : { cause }),
  });
}

/**
 * Validates a permissions declaration: its shape (zod), then what zod cannot see: every permission names a declared
 * resource and action, every inherited role exists, and inheritance has no cycle. Throws `INVALID_CONFIG` with the
 * path of the first problem.
 */
export function parsePermissionsDeclaration(value: unknown): PermissionsDeclaration {
  rejectProtoKeys(value, []);
  rejectProtoKeys((value as { platform?: unknown } | null)?.platform, ['platform']);
  const parsed = declarationSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    // A bad record key is reported as "invalid key" with the real reason one level down.
    const message = issue?.code === 'invalid_key' ? `invalid name: ${issue.issues[0]?.message}` : issue?.message;
    throw invalid(
      (issue?.path ?? []).map((key) => (typeof key === 'symbol' ? String(key) : key)),
      message ?? 'invalid',
      parsed.error,
    );
  }
  const declaration = parsed.data as PermissionsDeclaration;
  checkRoleSet(declaration, []);
  if (declaration.platform !== undefined) checkRoleSet(declaration.platform, ['platform']);
  return declaration;
}

function checkRoleSet(set: RoleSetDeclaration, prefix: Path): void {
  const roles = set.roles as Readonly<Record<string, RoleDeclaration>>;
  for (const [name, role] of Object.entries(roles)) {
    const at = [...prefix, 'roles', name];
    (role.inherits ?? []).forEach((parent, i) => {
      if (!Object.hasOwn(roles, parent)) throw invalid([...at, 'inherits', i], `unknown role "${parent}"`);
    });
    for (const effect of ['allow', 'deny'] as const) {
      (role[effect] ?? []).forEach((pattern, i) => {
        const problem = patternProblem(set.resources, pattern);
        if (problem !== undefined) throw invalid([...at, effect, i], problem);
      });
    }
  }
  checkNoCycle(roles, prefix);
}

function patternProblem(resources: RoleSetDeclaration['resources'], pattern: string): string | undefined {
  if (pattern === '*') return undefined;
  const parts = pattern.split(':');
  const [resource, action] = parts;
  if (parts.length !== 2 || !resource || !action || !NAME.test(resource) || (action !== '*' && !NAME.test(action))) {
    return `malformed permission "${pattern}": expected "resource:action", "resource:*" or "*"`;
  }
  if (!Object.hasOwn(resources, resource)) return `unknown resource "${resource}" in "${pattern}"`;
  if (action !== '*' && !resources[resource]?.includes(action)) {
    return `unknown action "${action}" for resource "${resource}" in "${pattern}"`;
  }
  return undefined;
}

function checkNoCycle(roles: Readonly<Record<string, RoleDeclaration>>, prefix: Path): void {
  const done = new Set<string>();
  const onStack: string[] = [];
  const visit = (name: string): void => {
    if (done.has(name)) return;
    onStack.push(name);
    (roles[name]?.inherits ?? []).forEach((parent, i) => {
      const start = onStack.indexOf(parent);
      if (start !== -1) {
        const cycle = [...onStack.slice(start), parent].join(' -> ');
        throw invalid([...prefix, 'roles', name, 'inherits', i], `role inheritance cycle: ${cycle}`);
      }
      visit(parent);
    });
    onStack.pop();
    done.add(name);
  };
  for (const name of Object.keys(roles)) visit(name);
}

// zod drops a "__proto__" record key (from JSON.parse) without a word; a role or resource must not vanish silently.
function rejectProtoKeys(set: unknown, prefix: Path): void {
  for (const field of ['resources', 'roles'] as const) {
    const record = (set as Record<string, unknown> | null | undefined)?.[field];
    if (typeof record === 'object' && record !== null && Object.hasOwn(record, '__proto__')) {
      throw invalid([...prefix, field, '__proto__'], 'reserved name');
    }
  }
}
