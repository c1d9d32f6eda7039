/**
 * A command-line mistake (unknown command or option, bad value): the CLI prints the message and
 * the command's usage, and exits with status 2.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError'
  readonly code = 'KSTREAMS_USAGE'
}
