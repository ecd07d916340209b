/**
 * A resource the caller asked for by id does not exist in their tenant. Rows of other tenants are invisible under
 * RLS, so "belongs to another tenant" and "never existed" are the same answer: 404, never 403, and nothing leaks.
 */
export class NotFoundError extends Error {
  constructor(what: string) {
    super(`No ${what} with this id.`);
    this.name = 'NotFoundError';
  }
}
