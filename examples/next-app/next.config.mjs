import { fileURLToPath } from 'node:url';

// The workspace links (node_modules/@tenancy/*) point into the monorepo's packages/*/dist, outside this folder:
// Turbopack and file tracing must be allowed to reach them. In an app of your own, drop both lines.
const root = fileURLToPath(new URL('../..', import.meta.url));

/** @type {import('next').NextConfig} */
const config = {
  turbopack: { root },
  outputFileTracingRoot: root,
  // `pnpm typecheck` checks the types (CI runs it); a second pass inside `next build` would only make it slower.
  typescript: { ignoreBuildErrors: true },
  // `next dev` refuses cross-origin requests for its dev assets; tenant subdomains are other origins.
  allowedDevOrigins: ['*.localhost'],
  poweredByHeader: false,
};

export default config;
