'use server';

import { refresh } from 'next/cache';
import { z } from 'zod';
import { projects } from '../database-schema';
import { services } from '../services';
import { runInTenant } from '../tenancy-server';

/** What the new-project form shows after submitting. */
export interface CreateProjectState {
  readonly error?: string | undefined;
}

const nameSchema = z.string().trim().min(1, 'Give the project a name.').max(200, 'At most 200 characters.');

/** Creates a project in the request's tenant, for members allowed `project:create`. */
export async function createProject(_previous: CreateProjectState, form: FormData): Promise<CreateProjectState> {
  const name = nameSchema.safeParse(form.get('name'));
  if (!name.success) return { error: name.error.issues[0]?.message ?? 'Invalid name.' };
  await runInTenant(async (tenancy) => {
    tenancy.assert('project:create');
    // The tenant id is the resolved one; RLS's WITH CHECK refuses any other, whatever this code did.
    await services().tenantDb.run((db) => db.insert(projects).values({ tenantId: tenancy.tenant.id, name: name.data }));
  });
  refresh();
  return {};
}
