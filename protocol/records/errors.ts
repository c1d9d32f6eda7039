/** Errors of the record batch codec, told apart by class (never by message). */

/** Where a batch came from, named in error messages when the caller knows it. */
export interface BatchSource {
  topic?: string
  partition?: number
}

function where(source: BatchSource | undefined, offset: number): string {
  const tp = source?.topic !== undefined ? `${source.topic}-${source.partition ?? '?'} ` : ''
  return `${tp}record batch at offset ${offset}`
}

/** Corrupt bytes: CRC mismatch, a batch or record running past its bounds. Kafka's CORRUPT_MESSAGE. */
export class CorruptRecordBatchError extends Error {
  override readonly name = 'CorruptRecordBatchError'
  constructor(readonly source: BatchSource | undefined, readonly baseOffset: number, problem: string) {
    super(`${where(source, baseOffset)}: ${problem}`)
  }
}

/** A batch in an older message format (magic 0 or 1) or an unknown one. */
export class UnsupportedMagicError extends Error {
  override readonly name = 'UnsupportedMagicError'
  constructor(readonly source: BatchSource | undefined, readonly baseOffset: number, readonly magic: number) {
    super(`${where(source, baseOffset)} has magic ${magic}; only record batch v2 (magic 2, Kafka 0.11+) is supported`)
  }
}

/** A compression codec that cannot be used here: unknown id, optional package missing, or Node too old. */
export class CompressionUnavailableError extends Error {
  override readonly name = 'CompressionUnavailableError'
  constructor(readonly codec: string, reason: string) {
    super(`compression codec ${codec} is not available: ${reason}`)
  }
}

export function describeBatch(source: BatchSource | undefined, offset: number): string {
  return where(source, offset)
}
