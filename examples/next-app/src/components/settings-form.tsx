'use client';

import { useActionState } from 'react';
import type { UpdateBrandingState } from '../lib/actions/update-branding';
import { updateBranding } from '../lib/actions/update-branding';

/** The tenant's name and branding, as an admin edits them. */
export function SettingsForm(props: { name: string; logoUrl: string; primaryColor: string }) {
  const [state, action, pending] = useActionState<UpdateBrandingState, FormData>(updateBranding, {});
  return (
    <form action={action} className="card stack">
      <label>
        Name
        <input name="name" required maxLength={200} defaultValue={props.name} />
      </label>
      <label>
        Logo URL (https)
        <input name="logoUrl" type="url" placeholder="https://cdn.example.com/logo.svg" defaultValue={props.logoUrl} />
      </label>
      <label>
        Primary colour
        <input name="primaryColor" type="color" defaultValue={props.primaryColor} />
      </label>
      {state.error === undefined ? null : (
        <p role="alert" className="error">
          {state.error}
        </p>
      )}
      {state.saved === true ? <p role="status">Saved.</p> : null}
      <button type="submit" disabled={pending}>
        Save
      </button>
    </form>
  );
}
