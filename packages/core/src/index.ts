// Errors

// Audit
export type { AuditEvent, AuditEventMap, AuditEventType } from './audit/audit-event.js';
export type { AuditErrorHandler, AuditSink } from './audit/audit-sink.js';
export { emitAuditEvent } from './audit/audit-sink.js';
export { createAuditEvent } from './audit/create-audit-event.js';
export type { RunWithTenantJobOptions, TenantJobPayload } from './context/job-payload.js';
// Context
export { parseTenantJobPayload, runWithTenantJob, toTenantJobPayload } from './context/job-payload.js';
export {
  bindTenantContext,
  getTenant,
  requireTenant,
  runWithTenant,
  withoutTenant,
} from './context/run-with-tenant.js';
export type { TenantContext } from './context/tenant-context.js';
export type { TenancyErrorCode } from './errors/codes.js';
export { httpStatusOf, TENANCY_ERROR_CODES } from './errors/codes.js';
export type { ProblemDetails } from './errors/problem-details.js';
export { PROBLEM_JSON, toProblemDetails } from './errors/problem-details.js';
export type { TenancyErrorOptions } from './errors/tenancy-error.js';
export { isTenancyError, TenancyError } from './errors/tenancy-error.js';
export type { AssertedMembership, AssertMembershipOptions } from './identity/assert-membership.js';
// Identity
export { assertMembership } from './identity/assert-membership.js';
export type { Identity } from './identity/create-identity.js';
export { createIdentity } from './identity/create-identity.js';
export type { ExtractTokenOptions } from './identity/extract-token.js';
export { extractToken } from './identity/extract-token.js';
export type { IdentityOptions, JwtAlgorithm, VerifiedClaims } from './identity/identity-options.js';
export { JWT_ALGORITHMS } from './identity/identity-options.js';
// Model
export type { Membership, WorkspaceMembership } from './model/membership.js';
export type { Principal } from './model/principal.js';
export type { TenantRecord, TenantStatus } from './model/tenant.js';
export type { TenantStore } from './model/tenant-store.js';
// Permissions
export type {
  PermissionOf,
  PermissionPattern,
  PermissionsDeclaration,
  ResourceMap,
  RoleDeclaration,
  RoleSetDeclaration,
} from './permissions/declaration.js';
export { definePermissions } from './permissions/define-permissions.js';
export type { DecidingRule, PermissionExplanation, RoleHolding } from './permissions/explain-permission.js';
export type {
  DefinePermissionsOptions,
  InferPermission,
  InferRole,
  PermissionGrant,
  PermissionModel,
  PermissionScope,
  PlatformMembership,
  PlatformPermissionGrant,
  PlatformPermissions,
} from './permissions/permission-model.js';
export type {
  NoTenant,
  ResolvedTenant,
  ResolveOptions,
  TenantResolution,
  TenantResolver,
  TenantResolverOptions,
} from './resolve/create-tenant-resolver.js';
// Resolution
export { createTenantResolver, resolveTenant } from './resolve/create-tenant-resolver.js';
export type { ForwardedHostHeader, TrustProxyOption } from './resolve/forwarded-host.js';
export type { FromCallbackOptions, TenantCallbackResult } from './resolve/from-callback.js';
export { fromCallback } from './resolve/from-callback.js';
export type { FromCustomDomainOptions } from './resolve/from-custom-domain.js';
export { fromCustomDomain } from './resolve/from-custom-domain.js';
export type { FromHeaderOptions } from './resolve/from-header.js';
export { fromHeader } from './resolve/from-header.js';
export type { FromJwtClaimOptions } from './resolve/from-jwt-claim.js';
export { fromJwtClaim } from './resolve/from-jwt-claim.js';
export type { FromPathOptions } from './resolve/from-path.js';
export { fromPath } from './resolve/from-path.js';
export type { FromQueryOptions } from './resolve/from-query.js';
export { fromQuery } from './resolve/from-query.js';
export type { FromSubdomainOptions } from './resolve/from-subdomain.js';
export { fromSubdomain } from './resolve/from-subdomain.js';
export { isIpHost, normalizeHost } from './resolve/normalize-host.js';
export type { ParseSlugOptions } from './resolve/parse-slug.js';
export { DEFAULT_RESERVED_SLUGS, parseSlug } from './resolve/parse-slug.js';
export type { TenantIdFormat } from './resolve/parse-tenant-id.js';
export { parseTenantId, TENANT_ID_FORMATS } from './resolve/parse-tenant-id.js';
export type { RequestLike, RequestLikeHeaders } from './resolve/request-like.js';
export type {
  ResolutionInput,
  TenantCandidate,
  TenantCandidateKind,
  TenantStrategy,
} from './resolve/tenant-strategy.js';
export type {
  CachedTenantStore,
  CachedTenantStoreOptions,
  CachedTenantStoreStats,
} from './store/cached-tenant-store.js';
// Tenant store and cache
export { createCachedTenantStore } from './store/cached-tenant-store.js';
export type {
  MemoryTenantDomain,
  MemoryTenantStore,
  MemoryTenantStoreOptions,
  TenantRecordUpdate,
} from './store/memory-tenant-store.js';
export { createMemoryTenantStore } from './store/memory-tenant-store.js';
export type { CreateTenancyOptions } from './tenancy/create-tenancy.js';
// Tenancy
export { createTenancy } from './tenancy/create-tenancy.js';
export { resolveEagerly } from './tenancy/resolve-eagerly.js';
export type { ActionScope, ResolvedRequest, ResolveRequestOptions, Tenancy, TenantChoice } from './tenancy/tenancy.js';
