import { describe, expect, it } from 'vitest';
import { isTenancyError, TenancyError } from '../errors/tenancy-error.js';
import { parseTenantJobPayload, runWithTenantJob, toTenantJobPayload } from './job-payload.js';
import { getTenant, runWithTenant } from './run-with-tenant.js';

async function codeOfAsync(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (error) {
    return isTenancyError(error) ? error.code : 'NOT_A_TENANCY_ERROR';
  }
  return undefined;
}

describe('toTenantJobPayload', () => {
  it('captures only identifiers of the current tenant, JSON-safe', () => {
    const payload = runWithTenant(
      {
        tenantId: 't1',
        userId: 'u1',
        workspaceId: 'w1',
        tenant: { id: 't1', slug: 'acme', name: 'Acme', status: 'active' },
      },
      () => toTenantJobPayload(),
    );
    expect(payload).toEqual({ v: 1, tenantId: 't1', userId: 'u1', workspaceId: 'w1' });
    expect(JSON.parse(JSON.stringify(payload))).toEqual(payload);
  });

  it('refuses to build a payload outside a tenant scope, so a job is never queued without its tenant', () => {
    expect(() => toTenantJobPayload()).toThrowError(expect.objectContaining({ code: 'TENANT_REQUIRED' }));
  });
});

describe('parseTenantJobPayload', () => {
  it.each([
    ['missing payload', undefined, '(root)'],
    ['wrong version', { v: 2, tenantId: 't1' }, 'v'],
    ['empty tenant id', { v: 1, tenantId: '' }, 'tenantId'],
    ['control character', { v: 1, tenantId: 't1\u0000' }, 'tenantId'],
    ['extra field', { v: 1, tenantId: 't1', role: 'admin' }, '(root)'],
    ['non-string user', { v: 1, tenantId: 't1', userId: 7 }, 'userId'],
  ])('rejects %s with INVALID_INPUT naming the field', (_name, value, path) => {
    try {
      parseTenantJobPayload(value);
      expect.unreachable();
    } catch (error) {
      expect(isTenancyError(error, 'INVALID_INPUT')).toBe(true);
      expect((error as TenancyError).message).toContain(`"${path}"`);
    }
  });
});

describe('runWithTenantJob', () => {
  it('re-enters the tenant a job was queued for, across a JSON round trip', async () => {
    const queued = JSON.stringify({
      tenancy: runWithTenant({ tenantId: 't9', userId: 'u9' }, () => toTenantJobPayload()),
    });
    const seen = await runWithTenantJob(JSON.parse(queued).tenancy, async () => getTenant());
    expect(seen).toEqual({ tenantId: 't9', userId: 'u9' });
    expect(getTenant()).toBeUndefined();
  });

  it('runs the verifier first and uses the context it returns', async () => {
    const seen = await runWithTenantJob({ v: 1, tenantId: 't1' }, (ctx) => ctx.tenant?.status, {
      verify: (p) => ({ tenantId: p.tenantId, tenant: { id: 't1', slug: 's', name: 'n', status: 'active' } }),
    });
    expect(seen).toBe('active');
  });

  it('does not run the job when the verifier refuses the tenant (e.g. suspended since queueing)', async () => {
    let ran = false;
    const code = await codeOfAsync(
      runWithTenantJob(
        { v: 1, tenantId: 't1' },
        () => {
          ran = true;
        },
        {
          verify: () => {
            throw new TenancyError('TENANT_SUSPENDED', 'Tenant is suspended.');
          },
        },
      ),
    );
    expect(code).toBe('TENANT_SUSPENDED');
    expect(ran).toBe(false);
  });

  it('refuses a verifier that swaps the tenant', async () => {
    const code = await codeOfAsync(
      runWithTenantJob({ v: 1, tenantId: 't1' }, () => 1, { verify: () => ({ tenantId: 't2' }) }),
    );
    expect(code).toBe('INTERNAL');
  });
});
