// Check-constraint patterns shared by the Drizzle definitions and `foundationSql`; a test compares the two in a real
// database. Written for PostgreSQL regular expressions inside a standard-conforming string literal.

/** Tenant and workspace slugs: DNS labels (core's `parseSlug` adds the reserved-name and punycode rules). */
export const SLUG_PATTERN = '^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$';
/** Stored e-mail addresses: already lowercased and trimmed by the caller; this only keeps garbage out. */
export const EMAIL_PATTERN = '^[^@[:space:]]+@[^@[:space:]]+$';
/** Role names. */
export const ROLE_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$';
/** `resource:action`, `resource:*` or `*`: the shapes `tenancy.has_permission()` matches. */
export const PERMISSION_PATTERN = '^(\\*|[A-Za-z0-9_.-]+:(\\*|[A-Za-z0-9_.-]+))$';
/** Audit actions: dotted lowercase words, `tenant.created`. */
export const ACTION_PATTERN = '^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+$';
