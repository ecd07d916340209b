/**
 * The `tenancy` CLI's exit codes: scripts and CI branch on them.
 * @see https://github.com/tenancy/tenancy/blob/main/docs/cli.md#exit-codes
 */
export const EXIT_CODES = {
  /** Done; `check` found no error, `diff` found nothing (or ran without `--exit-code`). */
  OK: 0,
  /** `check` found at least one error; `diff --exit-code` found changes; `generate --check` found a stale file. */
  FINDINGS: 1,
  /** Bad command line or bad config: nothing was done. */
  USAGE: 2,
  /** The database refused or could not be reached; `apply` rolled back. */
  DATABASE: 3,
  /** An unexpected failure (a bug): rerun with `--debug` and report the stack. */
  INTERNAL: 4,
} as const;

/** One of {@link EXIT_CODES}. */
export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];
