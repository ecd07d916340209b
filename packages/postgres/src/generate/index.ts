// The generator's public surface (re-exported by the package entry); the linter imports generateSql from here.
export { citusDialect } from './dialects/citus.js';
export type { ContextStatement, Dialect, TenantContextValues } from './dialects/dialect.js';
export { postgresDialect } from './dialects/postgres.js';
export type { GenerateSqlOptions } from './generate-sql.js';
export { dialectFor, generateSql } from './generate-sql.js';
export { GENERATOR_VERSION } from './generator-version.js';
export type { PolicySpec } from './plan-policies.js';
export { planPolicies, rowPredicate } from './plan-policies.js';
export { ident, literal, qualify } from './sql-text.js';
