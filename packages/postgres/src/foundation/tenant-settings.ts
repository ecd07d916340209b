import { z } from 'zod';

// 64 KiB of JSON: settings travel with every cached tenant record, so they stay small; blobs belong in a table.
const MAX_SETTINGS_BYTES = 64 * 1024;

/**
 * A tenant's branding, as stored in `tenancy.tenants.branding`: https-only URLs (an `http:` or `javascript:` logo in a
 * tenant's page is a mixed-content or script-injection hole) and `#rrggbb` colours. Unknown keys are refused.
 * @example
 * tenantBrandingSchema.parse({ logoUrl: 'https://cdn.acme.test/logo.svg', primaryColor: '#0a7cff' });
 * @see https://github.com/tenancy/tenancy/blob/main/docs/foundation.md#settings-and-branding
 */
export const tenantBrandingSchema = z.strictObject({
  logoUrl: z
    .url({ protocol: /^https$/, hostname: z.regexes.domain })
    .max(2048)
    .optional(),
  faviconUrl: z
    .url({ protocol: /^https$/, hostname: z.regexes.domain })
    .max(2048)
    .optional(),
  primaryColor: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/, 'must be a #rrggbb colour')
    .optional(),
  accentColor: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/, 'must be a #rrggbb colour')
    .optional(),
});

/** A tenant's branding: see {@link tenantBrandingSchema}. */
export type TenantBranding = z.infer<typeof tenantBrandingSchema>;

/**
 * A tenant's settings, as stored in `tenancy.tenants.settings`: any JSON object of at most 64 KiB. Narrow it for your
 * app by passing your own schema where the lifecycle functions take `settingsSchema`.
 * @example
 * tenantSettingsSchema.parse({ locale: 'de-DE', features: { sso: true } });
 * @see https://github.com/tenancy/tenancy/blob/main/docs/foundation.md#settings-and-branding
 */
export const tenantSettingsSchema = z
  .record(z.string(), z.json())
  .refine((value) => new TextEncoder().encode(JSON.stringify(value)).length <= MAX_SETTINGS_BYTES, {
    message: `must be at most ${MAX_SETTINGS_BYTES} bytes of JSON`,
  });

/** A tenant's settings object: see {@link tenantSettingsSchema}. */
export type TenantSettings = z.infer<typeof tenantSettingsSchema>;
