import { validateName } from '../options/named.js'

/** What a full suppression buffer does: emit its oldest records early, or stop the application. */
export type BufferFullStrategy = 'EMIT' | 'SHUT_DOWN'

/** Limits of a suppression buffer (Kafka Streams' Suppressed.BufferConfig). */
export class BufferConfig {
  private constructor(
    readonly maxRecords: number,
    readonly maxBytes: number,
    readonly bufferFullStrategy: BufferFullStrategy,
    readonly loggingEnabled: boolean,
    readonly logConfig: Record<string, string>,
  ) {}

  /** No limit; the application fails rather than emit early (a strict buffer). */
  static unbounded(): BufferConfig {
    return new BufferConfig(Infinity, Infinity, 'SHUT_DOWN', true, {})
  }

  /** At most `recordLimit` keys; beyond that the oldest are emitted early. */
  static maxRecords(recordLimit: number): BufferConfig {
    return new BufferConfig(positive(recordLimit, 'maxRecords'), Infinity, 'EMIT', true, {})
  }

  /** At most `byteLimit` bytes of buffered keys, values and record metadata; beyond that the oldest are emitted early. */
  static maxBytes(byteLimit: number): BufferConfig {
    return new BufferConfig(Infinity, positive(byteLimit, 'maxBytes'), 'EMIT', true, {})
  }

  withMaxRecords(recordLimit: number): BufferConfig {
    return new BufferConfig(positive(recordLimit, 'maxRecords'), this.maxBytes, this.bufferFullStrategy, this.loggingEnabled, this.logConfig)
  }

  withMaxBytes(byteLimit: number): BufferConfig {
    return new BufferConfig(this.maxRecords, positive(byteLimit, 'maxBytes'), this.bufferFullStrategy, this.loggingEnabled, this.logConfig)
  }

  withNoBound(): BufferConfig {
    return new BufferConfig(Infinity, Infinity, 'SHUT_DOWN', this.loggingEnabled, this.logConfig)
  }

  shutDownWhenFull(): BufferConfig {
    return new BufferConfig(this.maxRecords, this.maxBytes, 'SHUT_DOWN', this.loggingEnabled, this.logConfig)
  }

  emitEarlyWhenFull(): BufferConfig {
    return new BufferConfig(this.maxRecords, this.maxBytes, 'EMIT', this.loggingEnabled, this.logConfig)
  }

  withLoggingDisabled(): BufferConfig {
    return new BufferConfig(this.maxRecords, this.maxBytes, this.bufferFullStrategy, false, {})
  }

  withLoggingEnabled(config: Record<string, string>): BufferConfig {
    return new BufferConfig(this.maxRecords, this.maxBytes, this.bufferFullStrategy, true, { ...config })
  }
}

function positive(n: number, what: string): number {
  if (!Number.isSafeInteger(n) || n <= 0) throw new RangeError(`Suppressed.BufferConfig ${what} must be a positive integer, got ${n}`)
  return n
}

/**
 * How a KTable's updates are held back. `untilWindowCloses`: one final result per window, emitted
 * when stream time passes window end + grace (grace taken from the windowed aggregation upstream).
 * `untilTimeLimit`: the latest update per key, emitted `timeToWaitMs` of stream time after the
 * key's first buffered update.
 */
export class Suppressed<K = unknown> {
  static readonly BufferConfig = BufferConfig

  private constructor(
    readonly kind: 'UNTIL_WINDOW_CLOSES' | 'UNTIL_TIME_LIMIT',
    readonly timeToWaitMs: number,
    readonly bufferConfig: BufferConfig,
    readonly name: string | null,
  ) {}

  static untilWindowCloses<K = unknown>(bufferConfig: BufferConfig): Suppressed<K> {
    if (!(bufferConfig instanceof BufferConfig)) throw new TypeError('Suppressed.untilWindowCloses: bufferConfig must be a Suppressed.BufferConfig')
    if (bufferConfig.bufferFullStrategy !== 'SHUT_DOWN') {
      throw new TypeError(
        'Suppressed.untilWindowCloses needs a strict buffer (BufferConfig.unbounded() or .shutDownWhenFull()): emitting early would break the one-final-result promise',
      )
    }
    return new Suppressed<K>('UNTIL_WINDOW_CLOSES', 0, bufferConfig, null)
  }

  static untilTimeLimit<K = unknown>(timeToWaitMs: number, bufferConfig: BufferConfig): Suppressed<K> {
    if (!Number.isSafeInteger(timeToWaitMs) || timeToWaitMs < 0) {
      throw new RangeError(`Suppressed.untilTimeLimit: timeToWaitMs must be a non-negative integer, got ${timeToWaitMs}`)
    }
    if (!(bufferConfig instanceof BufferConfig)) throw new TypeError('Suppressed.untilTimeLimit: bufferConfig must be a Suppressed.BufferConfig')
    return new Suppressed<K>('UNTIL_TIME_LIMIT', timeToWaitMs, bufferConfig, null)
  }

  withName(name: string): Suppressed<K> {
    return new Suppressed<K>(this.kind, this.timeToWaitMs, this.bufferConfig, validateName(name, 'Suppressed.withName'))
  }
}
