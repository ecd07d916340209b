import type { ClosureRule, CompiledRoleSet } from './compile-role-set.js';

/** Where a role is held: tenant-wide, in the workspace being checked, or on the platform. */
export type RoleHolding = 'tenant' | 'workspace' | 'platform';

/**
 * The rule that decided a check: the held role, the rule's effect and pattern, and the ancestor it came from.
 * @see https://github.com/tenancy/tenancy/blob/main/docs/permissions.md#explain
 */
export interface DecidingRule<TRole extends string = string> {
  /** The role the member holds. */
  readonly role: TRole;
  readonly heldIn: RoleHolding;
  readonly effect: 'allow' | 'deny';
  /** The pattern as declared: `project:read`, `project:*` or `*`. */
  readonly rule: string;
  readonly match: 'exact' | 'wildcard';
  /** The ancestor of `role` that declares the rule; `null` when `role` declares it itself. */
  readonly inheritedFrom: TRole | null;
}

interface ExplanationBase<TPermission extends string> {
  readonly permission: TPermission;
  readonly scope: RoleHolding;
  /** Present only for checks inside a workspace. */
  readonly workspaceId?: string | undefined;
  /** Roles the subject holds that the model does not declare; they grant nothing. */
  readonly ignoredRoles: readonly string[];
}

/**
 * Why a check answered the way it did. `allowed` always equals what `can()` returns for the same input.
 * @see https://github.com/tenancy/tenancy/blob/main/docs/permissions.md#explain
 */
export type PermissionExplanation<TPermission extends string = string, TRole extends string = string> =
  | (ExplanationBase<TPermission> & {
      readonly allowed: true;
      readonly reason: 'allow-rule';
      readonly decidedBy: DecidingRule<TRole>;
    })
  | (ExplanationBase<TPermission> & {
      readonly allowed: false;
      readonly reason: 'deny-rule';
      readonly decidedBy: DecidingRule<TRole>;
    })
  | (ExplanationBase<TPermission> & {
      readonly allowed: false;
      /** `no-allow`: no held role allows it (default deny). `unknown-permission`: it is not declared at all. */
      readonly reason: 'no-allow' | 'unknown-permission';
      readonly decidedBy: null;
    });

/** The roles that count for one check, in the order explain reports them. */
export interface HeldRoles {
  readonly roles: readonly string[];
  readonly heldIn: RoleHolding;
}

/**
 * Explains a check by walking the declared rules (slow path; `can()` never calls this). A deny beats any allow;
 * among matches the first held role wins, and within it the most specific rule (exact, then `resource:*`, then `*`),
 * then the nearest in the inheritance chain.
 */
export function explainPermission(
  set: CompiledRoleSet,
  permission: string,
  held: readonly HeldRoles[],
  scope: RoleHolding,
  workspaceId: string | undefined,
): PermissionExplanation {
  const ignoredRoles = [...new Set(held.flatMap((h) => h.roles.filter((role) => !set.roles.has(role))))];
  const base = { permission, scope, ...(workspaceId === undefined ? {} : { workspaceId }), ignoredRoles };
  if (!set.declared.has(permission)) return { ...base, allowed: false, reason: 'unknown-permission', decidedBy: null };
  const deny = findRule(set, permission, held, 'deny');
  if (deny !== null) return { ...base, allowed: false, reason: 'deny-rule', decidedBy: deny };
  const allow = findRule(set, permission, held, 'allow');
  if (allow !== null) return { ...base, allowed: true, reason: 'allow-rule', decidedBy: allow };
  return { ...base, allowed: false, reason: 'no-allow', decidedBy: null };
}

function findRule(
  set: CompiledRoleSet,
  permission: string,
  held: readonly HeldRoles[],
  effect: 'allow' | 'deny',
): DecidingRule | null {
  const resourceWildcard = `${permission.slice(0, permission.indexOf(':'))}:*`;
  const rank = (rule: ClosureRule): number => {
    if (rule.pattern === permission) return 0;
    if (rule.pattern === resourceWildcard) return 1;
    return rule.pattern === '*' ? 2 : -1;
  };
  for (const { roles, heldIn } of held) {
    for (const role of roles) {
      const compiled = set.roles.get(role);
      if (compiled === undefined) continue;
      let best: ClosureRule | undefined;
      let bestRank = 3;
      for (const rule of compiled.rules) {
        if (rule.effect !== effect) continue;
        const r = rank(rule);
        // Strictly lower only: rules are ordered nearest-first, so a tie keeps the nearer one.
        if (r !== -1 && r < bestRank) {
          best = rule;
          bestRank = r;
        }
      }
      if (best !== undefined) {
        return {
          role,
          heldIn,
          effect,
          rule: best.pattern,
          match: bestRank === 0 ? 'exact' : 'wildcard',
          inheritedFrom: best.definedBy === role ? null : best.definedBy,
        };
      }
    }
  }
  return null;
}
