import { describe, expect, it } from 'vitest';
import { tenantBrandingSchema, tenantSettingsSchema } from './tenant-settings.js';

describe('tenantBrandingSchema', () => {
  it('accepts https URLs on a domain and #rrggbb colours', () => {
    const branding = { logoUrl: 'https://cdn.acme.test/logo.svg', primaryColor: '#0A7cff', accentColor: '#000000' };
    expect(tenantBrandingSchema.parse(branding)).toEqual(branding);
    expect(tenantBrandingSchema.parse({})).toEqual({});
  });

  it.each<[Record<string, string>, string]>([
    [{ logoUrl: 'http://cdn.acme.test/logo.svg' }, 'plain http'],
    [{ logoUrl: 'javascript:alert(1)' }, 'a script URL'],
    [{ faviconUrl: 'https://10.0.0.1/favicon.ico' }, 'an IP host'],
    [{ primaryColor: 'red' }, 'a colour name'],
    [{ primaryColor: '#fff' }, 'a short colour'],
    [{ css: 'body { display: none }' }, 'an unknown key'],
  ])('refuses %j (%s)', (branding) => {
    expect(tenantBrandingSchema.safeParse(branding).success).toBe(false);
  });
});

describe('tenantSettingsSchema', () => {
  it('accepts any JSON object and refuses arrays, non-JSON values and objects over 64 KiB', () => {
    expect(tenantSettingsSchema.parse({ locale: 'de-DE', features: { sso: true }, seats: 5 })).toEqual({
      locale: 'de-DE',
      features: { sso: true },
      seats: 5,
    });
    expect(tenantSettingsSchema.safeParse([]).success).toBe(false);
    expect(tenantSettingsSchema.safeParse({ at: new Date() }).success).toBe(false);
    expect(tenantSettingsSchema.safeParse({ blob: 'x'.repeat(64 * 1024) }).success).toBe(false);
    expect(tenantSettingsSchema.safeParse({ blob: 'x'.repeat(60 * 1024) }).success).toBe(true);
  });
});
