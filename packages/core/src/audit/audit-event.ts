/**
 * The fields of every audit event, keyed by event type. The union {@link AuditEvent} is derived from this map, so a
 * new event type is one new entry here (or a declaration merge from another package) and every sink sees it.
 * @see https://github.com/tenancy/tenancy/blob/main/docs/permissions.md#audit-events
 */
export interface AuditEventMap {
  /** A permission check answered "no". Emitted by the permission checker for every denied check. */
  'permission.denied': {
    /** The tenant the check ran in; `null` for platform checks, which belong to no tenant. */
    readonly tenantId: string | null;
    readonly principalId: string;
    readonly permission: string;
    /** Where the check ran: tenant-wide, inside one workspace, or on the platform. */
    readonly scope: 'tenant' | 'workspace' | 'platform';
    readonly workspaceId?: string | undefined;
    /** Why: an explicit deny rule matched, no held role allows it, or the permission is not declared at all. */
    readonly reason: 'deny-rule' | 'no-allow' | 'unknown-permission';
  };
  /** A platform operator acted inside a tenant through the audited platform path. */
  'platform.access': {
    readonly tenantId: string;
    readonly principalId: string;
    /** The reason the operator gave (a ticket, an incident); required by the platform path. */
    readonly reason: string;
  };
  /** A tenant was suspended; nothing runs on its behalf until it is resumed. */
  'tenant.suspended': {
    readonly tenantId: string;
    /** Who suspended it; `null` when the system did (billing, abuse automation). */
    readonly principalId: string | null;
    readonly reason?: string | undefined;
  };
}

/** The name of an audit event type, e.g. `'permission.denied'`. */
export type AuditEventType = keyof AuditEventMap;

/**
 * One audit event: a discriminated union on `type`, every member stamped with `at` (ISO 8601, UTC).
 * Narrow with `switch (event.type)`.
 * @example
 * const sink: AuditSink = (event) => {
 *   if (event.type === 'permission.denied') console.warn(event.principalId, event.permission);
 * };
 * @see https://github.com/tenancy/tenancy/blob/main/docs/permissions.md#audit-events
 */
export type AuditEvent<TType extends AuditEventType = AuditEventType> = {
  [K in TType]: { readonly type: K; readonly at: string } & AuditEventMap[K];
}[TType];
