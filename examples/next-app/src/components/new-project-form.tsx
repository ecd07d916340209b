'use client';

import { useActionState } from 'react';
import type { CreateProjectState } from '../lib/actions/create-project';
import { createProject } from '../lib/actions/create-project';

/** Adds a project to the current tenant. */
export function NewProjectForm() {
  const [state, action, pending] = useActionState<CreateProjectState, FormData>(createProject, {});
  return (
    <form action={action} className="row">
      <input name="name" placeholder="New project" aria-label="Project name" required maxLength={200} />
      <button type="submit" disabled={pending}>
        Add
      </button>
      {state.error === undefined ? null : (
        <p role="alert" className="error">
          {state.error}
        </p>
      )}
    </form>
  );
}
