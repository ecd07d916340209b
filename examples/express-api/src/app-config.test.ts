import { describe, expect, it } from 'vitest';
import { DEV_JWT_SECRET, loadAppConfig } from './app-config.js';

describe('loadAppConfig', () => {
  it('falls back to the development secret and says so', () => {
    const config = loadAppConfig({});
    expect(config).toEqual({
      jwtSecret: DEV_JWT_SECRET,
      usingDevSecret: true,
      baseDomain: 'localhost',
      platformAdminEmails: ['ops@platform.test'],
      tokenTtlSec: 43_200,
    });
  });

  it('reads the environment', () => {
    const config = loadAppConfig({
      JWT_SECRET: 'x'.repeat(32),
      BASE_DOMAIN: 'example.test',
      PLATFORM_ADMIN_EMAILS: ' Ops@Example.test, root@example.test ,',
      TOKEN_TTL_SEC: '600',
    });
    expect(config).toEqual({
      jwtSecret: 'x'.repeat(32),
      usingDevSecret: false,
      baseDomain: 'example.test',
      platformAdminEmails: ['ops@example.test', 'root@example.test'],
      tokenTtlSec: 600,
    });
  });

  it('refuses a short secret, naming the variable but never its value', () => {
    expect(() => loadAppConfig({ JWT_SECRET: 'hunter2' })).toThrow(
      'Invalid environment variable JWT_SECRET: must be at least 32 bytes.',
    );
    expect(() => loadAppConfig({ JWT_SECRET: 'hunter2' })).not.toThrow(/hunter2/);
  });
});
