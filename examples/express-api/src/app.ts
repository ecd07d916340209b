import { tenancyMiddleware } from '@tenancy/express';
import express from 'express';
import { errorHandler, unknownRoute } from './http/error-handler.js';
import './register.js';
import { auditRoutes } from './routes/audit.js';
import { acceptInvitation, authRoutes } from './routes/auth.js';
import { invitationRoutes } from './routes/invitations.js';
import { meRoutes } from './routes/me.js';
import { memberRoutes } from './routes/members.js';
import { platformRoutes } from './routes/platform.js';
import { projectRoutes } from './routes/projects.js';
import { settingsRoutes } from './routes/settings.js';
import { taskRoutes } from './routes/tasks.js';
import { workspaceRoutes } from './routes/workspaces.js';
import type { AppServices } from './services.js';

/** Options for {@link createApp}. */
export interface CreateAppOptions {
  /** Receives every error answered with a 500 (default `console.error`). The client sees a generic body. */
  onError?: ((error: unknown) => void) | undefined;
}

/**
 * Builds the Express app from its services; nothing here reads the environment or opens a connection, so tests build
 * it on a test database and the benchmark on its own.
 */
export function createApp(services: AppServices, options: CreateAppOptions = {}): express.Express {
  const { db, lifecycle, store } = services;
  const app = express();
  // No `trust proxy`: X-Forwarded-Host from a client is ignored and the Host header names the tenant. Behind a proxy
  // you own, set it to that proxy (app.set('trust proxy', 1)) and nothing else changes.
  app.disable('x-powered-by');
  app.use(express.json({ limit: '100kb' }));

  app.get('/health', (_req, res) => {
    res.json({ ok: true });
  });
  // Before the tenancy middleware: these run without a token for the tenant (see routes/auth.ts). Routers are mounted
  // at their path, so a request enters only the one it is for (Express 5 runs every path-less router for every request).
  app.use('/auth', authRoutes(services));
  app.post('/invitations/accept', acceptInvitation(services));

  // From here on every request is resolved: tenant (host, x-tenant, the token's tid: all must agree), verified token,
  // membership. Handlers run inside the tenant's context, which the scoped database reads.
  app.use(tenancyMiddleware(services.tenancy));
  app.use('/platform', platformRoutes(services));
  app.use('/me', meRoutes());
  app.use(projectRoutes(db));
  app.use(workspaceRoutes(db));
  app.use(taskRoutes(db));
  app.use(memberRoutes(db, lifecycle, store));
  app.use(invitationRoutes(db, lifecycle));
  app.use(settingsRoutes(db, lifecycle, store));
  app.use(auditRoutes(db));

  app.use(unknownRoute);
  app.use(errorHandler({ onError: options.onError ?? ((error) => console.error(error)) }));
  return app;
}
