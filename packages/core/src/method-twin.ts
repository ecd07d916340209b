// Several methods on the request path carry a synchronous twin: the same answer without a promise when it is already
// in memory (a cached lookup, a token that verified before), for callers that save the promise when they can. The
// twin sits on the method itself, under a `Symbol.for` key of its own: an object that replaces the method
// (`{ ...store, findBySlug: mine }`) replaces the twin with it, and its own method is called; a copy of this package
// elsewhere in the app recognizes it; and a key with a version (`…v1`) keeps a copy with another shape of twin out.

/** Gives `method` its synchronous twin under `key`. */
export function withTwin<M extends object>(method: M, key: symbol, twin: (...args: never[]) => unknown): M {
  return Object.assign(method, { [key]: twin });
}

/** The twin `method` carries under `key`, or `undefined` for a method without one. */
export function twinOf<T extends (...args: never[]) => unknown>(method: unknown, key: symbol): T | undefined {
  if (typeof method !== 'function') return undefined;
  const twin = (method as unknown as Record<symbol, unknown>)[key];
  return typeof twin === 'function' ? (twin as T) : undefined;
}
