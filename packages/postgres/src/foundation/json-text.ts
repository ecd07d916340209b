/**
 * A JSON value as a text parameter, for `${jsonText(value)}::text::jsonb`. Not `sql.json()`: Drizzle replaces the
 * json serializers of the postgres.js client it is built on (and so does `createTenantDb`), and the lifecycle and
 * GDPR functions must work the same on a client shared with it. Bound as text, the value means the same either way.
 */
export function jsonText(value: unknown): string {
  return JSON.stringify(value ?? {});
}
