import type { Finding } from './types.js';

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Errors first, then by rule id, object and message, by code point: the same database always prints the same. */
export function sortFindings<T extends Finding>(findings: readonly T[]): T[] {
  return [...findings].sort(
    (a, b) =>
      (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1) ||
      cmp(a.rule, b.rule) ||
      cmp(a.object, b.object) ||
      cmp(a.message, b.message),
  );
}
