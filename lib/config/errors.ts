/** A configuration value is missing, unknown or invalid; `key` names the offending setting. */
export class StreamsConfigError extends Error {
  override readonly name = 'StreamsConfigError'
  constructor(readonly key: string, message: string) {
    super(`Invalid StreamsConfig "${key}": ${message}`)
  }
}
