'use client';

import { useActionState } from 'react';
import type { ChangeRoleState } from '../lib/actions/change-role';
import { changeRole } from '../lib/actions/change-role';

/** One member's role, as an admin changes it. */
export function RoleForm(props: { userId: string; role: string; roles: readonly string[]; label: string }) {
  const [state, action, pending] = useActionState<ChangeRoleState, FormData>(changeRole, {});
  return (
    <form action={action} className="row">
      <input type="hidden" name="userId" value={props.userId} />
      <select name="role" defaultValue={props.role} aria-label={`Role of ${props.label}`}>
        {props.roles.map((role) => (
          <option key={role} value={role}>
            {role}
          </option>
        ))}
      </select>
      <button type="submit" disabled={pending}>
        Change
      </button>
      {state.error === undefined ? null : (
        <span role="alert" className="error">
          {state.error}
        </span>
      )}
    </form>
  );
}
