import { createTenantResolver, fromHeader, fromSubdomain, TenancyError } from '@tenancy/core';
import { toWebRequest } from '@tenancy/express';
import type { RequestHandler } from 'express';
import { Router } from 'express';
import { z } from 'zod';
import { acceptInvite, signUp } from '../auth/accounts.js';
import { findCredentials } from '../auth/credentials.js';
import { verifyPassword } from '../auth/passwords.js';
import { parse } from '../http/validate.js';
import type { AppServices } from '../services.js';

const email = z.string().trim().toLowerCase().pipe(z.email().max(320));
// Length bounds only: a maximum keeps a megabyte "password" from costing a megabyte of scrypt input.
const password = z.string().min(10, 'must be at least 10 characters').max(200);

const signUpSchema = z.strictObject({
  tenant: z.strictObject({ slug: z.string().min(1).max(63), name: z.string().trim().min(1).max(200) }),
  email,
  password,
  displayName: z.string().trim().min(1).max(200).optional(),
});

const signInSchema = z.strictObject({ email, password: z.string().min(1).max(200) });

const acceptSchema = z.strictObject({
  token: z.string().min(1).max(200),
  email,
  password,
  displayName: z.string().trim().min(1).max(200).optional(),
});

/**
 * Sign-up and sign-in, mounted at /auth ({@link acceptInvitation} accepts an invitation). Mounted before the tenancy
 * middleware: these routes run before the caller has a token for the tenant, and a stale token sent along must not
 * stop someone from signing in again. Sign-in still needs the tenant, which it resolves from the host (or `x-tenant`)
 * with core's resolver, so a suspended or unknown tenant is refused as usual.
 */
export function authRoutes(services: AppServices): Router {
  const { sql, tenancyConfig, tokens, config, store, lifecycle } = services;
  const resolveTenant = createTenantResolver({
    store,
    strategies: [fromSubdomain({ baseDomain: config.baseDomain }), fromHeader({ name: 'x-tenant', kind: 'slug' })],
  });
  const router = Router();

  // Creates a tenant, its owner (a new user, or an existing one who proves their password) and default workspace.
  router.post('/sign-up', async (req, res) => {
    const body = parse(signUpSchema, req.body, 'body');
    const created = await signUp({ sql, tenancyConfig, lifecycle }, body);
    const token = await tokens.sign({
      userId: created.user.id,
      email: created.user.email,
      tenantId: created.tenant.id,
    });
    res.status(201).json({ ...created, token });
  });

  // A token for one tenant (claim `tid`), or on the bare domain for a platform admin.
  router.post('/sign-in', async (req, res) => {
    const body = parse(signInSchema, req.body, 'body');
    const { tenant } = await resolveTenant(toWebRequest(req));
    const found = await findCredentials(sql, tenancyConfig, body.email);
    // Always one scrypt, found or not: the time taken does not tell which e-mail addresses have accounts.
    const ok = await verifyPassword(body.password, found?.passwordHash);
    if (!ok || found === undefined) throw new TenancyError('UNAUTHENTICATED', 'Wrong e-mail address or password.');
    if (tenant === undefined) {
      if (!config.platformAdminEmails.includes(found.email)) {
        throw new TenancyError(
          'TENANT_REQUIRED',
          `Sign in at your tenant's address (<slug>.${config.baseDomain}) or name it in the x-tenant header.`,
        );
      }
      const token = await tokens.sign({ userId: found.userId, email: found.email, platformAdmin: true });
      res.json({ user: { id: found.userId, email: found.email }, platformAdmin: true, token });
      return;
    }
    const membership = await store.getMembership(tenant.id, found.userId);
    if (membership === null) throw new TenancyError('MEMBERSHIP_REQUIRED', 'You are not a member of this tenant.');
    const token = await tokens.sign({ userId: found.userId, email: found.email, tenantId: tenant.id });
    res.json({
      user: { id: found.userId, email: found.email },
      tenant: { id: tenant.id, slug: tenant.slug, name: tenant.name },
      roles: membership.roles,
      token,
    });
  });

  return router;
}

/**
 * POST /invitations/accept: the invitation names its tenant, so the host does not matter. Answers with a token for that
 * tenant. Mounted before the tenancy middleware, like the routes of {@link authRoutes}.
 */
export function acceptInvitation(services: AppServices): RequestHandler {
  const { sql, tenancyConfig, tokens, store, lifecycle } = services;
  return async (req, res) => {
    const body = parse(acceptSchema, req.body, 'body');
    const accepted = await acceptInvite({ sql, tenancyConfig, lifecycle }, body);
    const tenant = await store.findById(accepted.tenantId);
    if (tenant === null) throw new TenancyError('TENANT_NOT_FOUND', 'No such tenant.');
    const token = await tokens.sign({ userId: accepted.userId, email: body.email, tenantId: accepted.tenantId });
    res.json({
      user: { id: accepted.userId, email: body.email },
      tenant: { id: tenant.id, slug: tenant.slug, name: tenant.name },
      roles: accepted.roles,
      token,
    });
  };
}
