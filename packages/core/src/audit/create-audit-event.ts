import type { AuditEvent, AuditEventMap, AuditEventType } from './audit-event.js';

/**
 * Builds an audit event of `type`, stamped with the current time, so every producer formats `at` the same way.
 * @example
 * emitAuditEvent(sink, createAuditEvent('platform.access', { tenantId, principalId, reason: 'ticket 4411' }));
 * @see https://github.com/tenancy/tenancy/blob/main/docs/permissions.md#audit-events
 */
export function createAuditEvent<const TType extends AuditEventType>(
  type: TType,
  fields: AuditEventMap[TType],
): AuditEvent<TType> {
  // The cast is sound: `type` and `fields` are tied by TType; TS cannot see through the mapped union.
  return { type, at: new Date().toISOString(), ...fields } as AuditEvent<TType>;
}
