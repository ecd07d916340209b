/**
 * Who is acting: a verified user or service. Never built from unverified input.
 * @see https://github.com/tenancy/tenancy/blob/main/docs/identity.md
 */
export interface Principal {
  /** The subject: a user id (or API key id for service principals). */
  readonly id: string;
  /** The verified claims the principal came with (JWT payload, session data). */
  readonly claims: Readonly<Record<string, unknown>>;
  /** True for operators of the platform. Only honoured through the explicit, audited platform path. */
  readonly platformAdmin: boolean;
}
