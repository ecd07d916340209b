/** What the CLI reads from and writes to: the real process by default, buffers in tests. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
}

/** The running process's streams, environment and working directory. */
export function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    cwd: process.cwd(),
  };
}

/** A command line mistake: reported with a pointer to `--help`, exit code 2. */
export class UsageError extends Error {
  readonly command: string | undefined;

  constructor(message: string, command?: string | undefined) {
    super(message);
    this.name = 'UsageError';
    this.command = command;
  }
}
