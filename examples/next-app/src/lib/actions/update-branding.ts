'use server';

import { isTenancyError } from '@tenancy/core';
import { tenantBrandingSchema } from '@tenancy/postgres';
import { refresh } from 'next/cache';
import { z } from 'zod';
import { services } from '../services';
import { runInTenant } from '../tenancy-server';

/** What the settings form shows after submitting. */
export interface UpdateBrandingState {
  readonly error?: string | undefined;
  readonly saved?: boolean | undefined;
}

const formSchema = z.object({
  name: z.string().trim().min(1, 'The name cannot be empty.').max(200, 'The name is too long.'),
  // The SDK's own schema: https-only logo URLs and #rrggbb colours, the same rules updateTenant enforces.
  branding: tenantBrandingSchema,
});

const field = (form: FormData, name: string) => {
  const value = form.get(name);
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
};

/** Changes the tenant's name and branding, for members allowed `tenant:update`; audited by the lifecycle. */
export async function updateBranding(_previous: UpdateBrandingState, form: FormData): Promise<UpdateBrandingState> {
  const parsed = formSchema.safeParse({
    name: form.get('name'),
    branding: { logoUrl: field(form, 'logoUrl'), primaryColor: field(form, 'primaryColor') },
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.at(-1) === 'logoUrl' ? 'Logo URL: must be an https:// address.' : undefined;
    const colour = issue?.path.at(-1) === 'primaryColor' ? 'Primary colour: must look like #1d4ed8.' : undefined;
    return { error: where ?? colour ?? issue?.message ?? 'Invalid settings.' };
  }
  try {
    await runInTenant(async (tenancy) => {
      tenancy.assert('tenant:update');
      await services().lifecycle.updateTenant({
        tenantId: tenancy.tenant.id,
        name: parsed.data.name,
        branding: parsed.data.branding,
        actorId: tenancy.context.userId,
      });
    });
  } catch (error) {
    if (isTenancyError(error, 'PERMISSION_DENIED')) return { error: 'Only admins can change the settings.' };
    throw error;
  }
  refresh();
  return { saved: true };
}
