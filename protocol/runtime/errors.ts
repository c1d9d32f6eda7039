// Errors raised while decoding or encoding protocol messages.

/** A buffer ended before a message was complete, or held a value the message cannot have. */
export class ProtocolDecodeError extends Error {
  /** Field names from the outermost struct down to the field being read. */
  path: string[] = []
  /** What was being decoded, e.g. `Metadata request v12`; set by the outermost decode call. */
  what = ''
  constructor(readonly reason: string) {
    super(reason)
    this.name = 'ProtocolDecodeError'
  }

  /** Rebuilds the message once the API, version and field path are known. */
  describe(): this {
    const field = this.path.length > 0 ? ` (reading field ${this.path.join('.')})` : ''
    this.message = `${this.what}: ${this.reason}${field}`
    return this
  }
}
