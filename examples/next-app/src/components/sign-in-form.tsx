'use client';

import { useActionState, useEffect } from 'react';
import type { SignInState } from '../lib/actions/sign-in';
import { signIn } from '../lib/actions/sign-in';

/** The e-mail and password form; errors come back from the server action. */
export function SignInForm() {
  const [state, action, pending] = useActionState<SignInState, FormData>(signIn, {});
  // A full page load: the proxy resolves the new session and routes this host's `/` (a tenant's dashboard on its
  // subdomain, the platform's page on the bare host).
  useEffect(() => {
    if (state.signedIn === true) window.location.assign('/');
  }, [state.signedIn]);
  return (
    <form action={action} className="card stack">
      <label>
        E-mail address
        <input name="email" type="email" autoComplete="username" required defaultValue={state.email ?? ''} />
      </label>
      <label>
        Password
        <input name="password" type="password" autoComplete="current-password" required />
      </label>
      {state.error === undefined ? null : (
        <p role="alert" className="error">
          {state.error}
        </p>
      )}
      <button type="submit" disabled={pending || state.signedIn === true}>
        {pending || state.signedIn === true ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}
