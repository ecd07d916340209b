import type { RoleDeclaration, RoleSetDeclaration } from './declaration.js';

/** Decision codes in a role's lookup table. Numbers, not strings: the hot path compares them. */
export const ALLOW = 1;
export const DENY = 2;

/** One allow or deny rule a role has, own or inherited; kept only for `explain()`. */
export interface ClosureRule {
  readonly pattern: string;
  readonly effect: 'allow' | 'deny';
  /** The role that declares the rule: the role itself, or the ancestor it was inherited from. */
  readonly definedBy: string;
}

/** A role with its inheritance resolved and every wildcard expanded against the declared permissions. */
export interface CompiledRole {
  readonly name: string;
  /** Permission -> ALLOW | DENY over the whole inheritance closure; a deny anywhere in it wins. */
  readonly decisions: ReadonlyMap<string, number>;
  /** Permissions the role allows after its own and inherited denies are taken out. */
  readonly effective: ReadonlySet<string>;
  readonly allowed: ReadonlySet<string>;
  readonly denied: ReadonlySet<string>;
  /** Own rules first, then inherited ones, nearest ancestor first. */
  readonly rules: readonly ClosureRule[];
}

/** A compiled role set: what every check of one model (tenant or platform) looks things up in. */
export interface CompiledRoleSet {
  /** Every declared permission, in declaration order. */
  readonly permissions: readonly string[];
  readonly declared: ReadonlySet<string>;
  readonly roles: ReadonlyMap<string, CompiledRole>;
  /** Role name -> that role's decisions, one hop shorter than going through `roles` on the hot path. */
  readonly decisionsByRole: ReadonlyMap<string, ReadonlyMap<string, number>>;
  /** False when no role denies anything, so a check can stop at the first allow. */
  readonly hasDeny: boolean;
  /** The permissions a holder of all `roleNames` has: every allow minus every deny. Unknown names grant nothing. */
  effectiveFor(roleNames: readonly string[]): ReadonlySet<string>;
}

const EMPTY: ReadonlySet<string> = new Set();
// Distinct role combinations are few in practice (they come from the store, not from requests); the cap only keeps a
// pathological store from growing the cache without bound.
const MAX_COMBINATIONS = 1024;

/** Compiles an already validated role set (see `parsePermissionsDeclaration`). */
export function compileRoleSet(declaration: RoleSetDeclaration): CompiledRoleSet {
  const permissions: string[] = [];
  const byResource = new Map<string, string[]>();
  for (const [resource, actions] of Object.entries(declaration.resources)) {
    const names = [...new Set(actions)].map((action) => `${resource}:${action}`);
    byResource.set(resource, names);
    permissions.push(...names);
  }
  const declared: ReadonlySet<string> = new Set(permissions);
  const expand = (pattern: string): readonly string[] => {
    if (pattern === '*') return permissions;
    if (pattern.endsWith(':*')) return byResource.get(pattern.slice(0, -2)) ?? [];
    return [pattern];
  };

  const declarations = declaration.roles as Readonly<Record<string, RoleDeclaration>>;
  const roles = new Map<string, CompiledRole>();
  const decisionsByRole = new Map<string, ReadonlyMap<string, number>>();
  let hasDeny = false;
  for (const name of Object.keys(declarations)) {
    const rules = closureRules(declarations, name);
    const allowed = new Set<string>();
    const denied = new Set<string>();
    for (const rule of rules) {
      for (const permission of expand(rule.pattern)) (rule.effect === 'allow' ? allowed : denied).add(permission);
    }
    const decisions = new Map<string, number>();
    const effective = new Set<string>();
    for (const permission of allowed) {
      if (denied.has(permission)) continue;
      decisions.set(permission, ALLOW);
      effective.add(permission);
    }
    for (const permission of denied) decisions.set(permission, DENY);
    if (denied.size > 0) hasDeny = true;
    roles.set(name, { name, decisions, effective, allowed, denied, rules });
    decisionsByRole.set(name, decisions);
  }

  const combinations = new Map<string, ReadonlySet<string>>();
  const effectiveFor = (roleNames: readonly string[]): ReadonlySet<string> => {
    const held: CompiledRole[] = [];
    for (const roleName of roleNames) {
      const role = roles.get(roleName);
      if (role !== undefined && !held.includes(role)) held.push(role);
    }
    if (held.length === 0) return EMPTY;
    if (held.length === 1) return held[0]!.effective;
    // NUL cannot occur in a role name (validated), so the key is unambiguous.
    const key = held
      .map((role) => role.name)
      .sort()
      .join('\u0000');
    const cached = combinations.get(key);
    if (cached !== undefined) return cached;
    const result = new Set<string>();
    for (const role of held) for (const permission of role.allowed) result.add(permission);
    for (const role of held) for (const permission of role.denied) result.delete(permission);
    if (combinations.size < MAX_COMBINATIONS) combinations.set(key, result);
    return result;
  };

  return { permissions: Object.freeze(permissions), declared, roles, decisionsByRole, hasDeny, effectiveFor };
}

/** The role's own rules, then its ancestors' in breadth-first order; each ancestor counted once (diamonds). */
function closureRules(declarations: Readonly<Record<string, RoleDeclaration>>, name: string): ClosureRule[] {
  const rules: ClosureRule[] = [];
  const queue = [name];
  const seen = new Set(queue);
  for (let i = 0; i < queue.length; i++) {
    const current = queue[i]!;
    const role = declarations[current];
    for (const pattern of role?.allow ?? []) rules.push({ pattern, effect: 'allow', definedBy: current });
    for (const pattern of role?.deny ?? []) rules.push({ pattern, effect: 'deny', definedBy: current });
    for (const parent of role?.inherits ?? []) {
      if (!seen.has(parent)) {
        seen.add(parent);
        queue.push(parent);
      }
    }
  }
  return rules;
}

/**
 * Folds `roles` into a running decision (0 = nothing matched yet, ALLOW, DENY) for one permission: one Map lookup
 * for the role and one for the permission, per held role, and no allocation.
 */
export function decide(set: CompiledRoleSet, roles: readonly string[], permission: string, state: number): number {
  for (let i = 0; i < roles.length; i++) {
    const decision = set.decisionsByRole.get(roles[i]!)?.get(permission);
    if (decision === DENY) return DENY;
    if (decision === ALLOW) {
      // Without any deny rule in the model nothing later can overturn an allow.
      if (!set.hasDeny) return ALLOW;
      state = ALLOW;
    }
  }
  return state;
}
