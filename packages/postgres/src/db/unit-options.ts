import { TenancyError } from '@tenancy/core';

/** Options for one unit of work. */
export interface UnitOfWorkOptions {
  /**
   * Aborts the unit: the statement the server is running is cancelled, nothing more is sent, the transaction is
   * rolled back and the promise rejects with `signal.reason`. `AbortSignal.timeout(ms)` gives a deadline.
   */
  signal?: AbortSignal | undefined;
  /** Transaction isolation level. Default: the server's (`read committed`). Costs nothing: it rides on `begin`. */
  isolationLevel?: 'read committed' | 'repeatable read' | 'serializable' | undefined;
  /** Start the transaction read only. */
  readOnly?: boolean | undefined;
}

/**
 * What a unit of work resolves to: the awaited value the callback returned; when it returned an array holding
 * queries or promises, the array of their results (like `Promise.all`).
 * @example
 * // [Project[], Member[]]
 * const [projects, members] = await db.run((db) => [db.select().from(p), db.select().from(m)] as const);
 */
export type UnitResult<R> = SettleArray<Awaited<R>>;

type SettleArray<V> = V extends readonly unknown[]
  ? [Extract<V[number], PromiseLike<unknown>>] extends [never]
    ? V
    : { -readonly [K in keyof V]: Awaited<V[K]> }
  : V;

const ISOLATION = {
  'read committed': 'read committed',
  'repeatable read': 'repeatable read',
  serializable: 'serializable',
} as const;

/** The `begin` statement for `options`; values are looked up, never interpolated from input. */
export function beginStatement(options: UnitOfWorkOptions | undefined): string {
  if (options === undefined || (options.isolationLevel === undefined && options.readOnly !== true)) return 'begin';
  let sql = 'begin';
  if (options.isolationLevel !== undefined) {
    const level = Object.hasOwn(ISOLATION, options.isolationLevel) ? ISOLATION[options.isolationLevel] : undefined;
    if (level === undefined) {
      throw new TenancyError('INVALID_INPUT', 'Unknown isolation level.', { details: { field: 'isolationLevel' } });
    }
    sql += ` isolation level ${level}`;
  }
  if (options.readOnly === true) sql += ' read only';
  return sql;
}
