/** Resources and the actions each one supports: `{ project: ['read', 'update'] }`. */
export type ResourceMap = { readonly [resource: string]: readonly string[] };

/** Every `resource:action` name a resource map declares, as a union of string literals. */
export type PermissionOf<TResources extends ResourceMap> = {
  [R in keyof TResources & string]: `${R}:${TResources[R][number]}`;
}[keyof TResources & string];

/** What a role may name in `allow` or `deny`: an exact permission, `resource:*`, or `*`. */
export type PermissionPattern<TResources extends ResourceMap> =
  | PermissionOf<TResources>
  | `${keyof TResources & string}:*`
  | '*';

/**
 * One role: the roles it inherits from, and the permissions it allows and denies. A deny always wins over an allow,
 * whichever role (own, inherited, or another held role) the allow comes from.
 * @see https://github.com/tenancy/tenancy/blob/main/docs/permissions.md#roles
 */
export interface RoleDeclaration<TPattern extends string = string, TRole extends string = string> {
  /** Roles whose allows and denies this role also has. Cycles are rejected. */
  readonly inherits?: readonly TRole[] | undefined;
  readonly allow?: readonly TPattern[] | undefined;
  readonly deny?: readonly TPattern[] | undefined;
}

/** A set of roles over a set of resources: the tenant roles, or the platform roles. */
export interface RoleSetDeclaration<TResources extends ResourceMap = ResourceMap, TRole extends string = string> {
  readonly resources: TResources;
  // NoInfer: role names are inferred from the keys of `roles` only, so a typo in `inherits` is reported where it is
  // written instead of silently becoming a role that is then "missing"; patterns likewise come from `resources` only.
  readonly roles: { readonly [K in TRole]: RoleDeclaration<PermissionPattern<NoInfer<TResources>>, NoInfer<TRole>> };
}

/**
 * What `definePermissions` takes: tenant resources and roles, and optionally a separate set of platform resources
 * and roles for the operators of the platform.
 * @see https://github.com/tenancy/tenancy/blob/main/docs/permissions.md#declaration
 */
export interface PermissionsDeclaration<
  TResources extends ResourceMap = ResourceMap,
  TRole extends string = string,
  TPlatformResources extends ResourceMap = ResourceMap,
  TPlatformRole extends string = string,
> extends RoleSetDeclaration<TResources, TRole> {
  /**
   * Platform roles live in their own namespace over their own resources: a tenant role never grants a platform
   * permission, even when the two roles share a name or a tenant role allows `*`.
   */
  readonly platform?: RoleSetDeclaration<TPlatformResources, TPlatformRole> | undefined;
}
