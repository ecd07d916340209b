/**
 * Freezes `value` and everything reachable from it. Cached records are shared by every request that hits them, so
 * one request must not be able to change what the next one sees.
 */
export function deepFreeze<T>(value: T): T {
  // Stopping at frozen objects is what ends the walk on cyclic structures (structuredClone keeps cycles).
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Reflect.ownKeys(value)) deepFreeze((value as Record<PropertyKey, unknown>)[key]);
  }
  return value;
}
