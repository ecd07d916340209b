import { UsageError } from './cli-io.js';

/** Runs `node:util` parseArgs, turning its errors (unknown option, missing value) into usage errors. */
export function parse<T>(command: string, run: () => { values: T }): T {
  try {
    return run().values;
  } catch (error) {
    throw new UsageError((error as Error).message, command);
  }
}

/** An option restricted to a few values, with its default. */
export function oneOf<const T extends string>(
  command: string,
  flag: string,
  value: string | undefined,
  allowed: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`${flag} must be one of ${allowed.join(', ')} (got "${value}")`, command);
}
