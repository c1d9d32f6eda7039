/** Raised when a value cannot be turned into bytes (or back) by a serde. */
export class SerializationError extends Error {
  override readonly name = 'SerializationError'
  constructor(
    message: string,
    readonly topic: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

/** Raised by a task when an input record's key or value cannot be deserialized. */
export class DeserializationError extends Error {
  override readonly name = 'DeserializationError'
  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly offset: number,
    readonly part: 'key' | 'value',
    cause: unknown,
  ) {
    super(
      `failed to deserialize the ${part} of the record at ${topic}-${partition} offset ${offset}: ${
        cause instanceof Error ? cause.message : String(cause)
      }`,
      { cause },
    )
  }
}
