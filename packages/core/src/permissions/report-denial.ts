import type { AuditEvent } from '../audit/audit-event.js';
import { emitAuditEvent } from '../audit/audit-sink.js';
import type { CompiledRoleSet } from './compile-role-set.js';
import type { DefinePermissionsOptions } from './permission-model.js';

type DenialReason = AuditEvent<'permission.denied'>['reason'];

/** Why a check was denied, recomputed on the deny path only so the allow path never pays for it. */
export function denialReason(
  set: CompiledRoleSet,
  permission: string,
  roles: readonly string[],
  more?: readonly string[] | undefined,
): DenialReason {
  if (!set.declared.has(permission)) return 'unknown-permission';
  for (const role of roles) if (set.roles.get(role)?.denied.has(permission) === true) return 'deny-rule';
  for (const role of more ?? []) if (set.roles.get(role)?.denied.has(permission) === true) return 'deny-rule';
  return 'no-allow';
}

/** Emits `permission.denied` to the configured sink; never throws (see `emitAuditEvent`). */
export function reportDenial(
  options: DefinePermissionsOptions,
  fields: Omit<AuditEvent<'permission.denied'>, 'type' | 'at'>,
): void {
  if (options.audit === undefined) return;
  const event: AuditEvent<'permission.denied'> = { type: 'permission.denied', at: new Date().toISOString(), ...fields };
  emitAuditEvent(options.audit, event, options.onAuditError);
}
