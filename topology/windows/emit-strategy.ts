/** Kafka Streams' EmitStrategy.StrategyType. */
export type EmitStrategyType = 'ON_WINDOW_UPDATE' | 'ON_WINDOW_CLOSE'

/**
 * When a windowed aggregation emits (KIP-825). `onWindowUpdate()` (the default) forwards every
 * update of a window, through the store's cache when it caches; `onWindowClose()` forwards each
 * window once, with its final result, when stream time passes the window's end plus grace (the
 * gap too for sessions), read back from the window or session store: no suppress buffer.
 */
export class EmitStrategy {
  /** Which strategy this is (Kafka Streams' `type()`). */
  private constructor(readonly type: EmitStrategyType) {}

  private static readonly UPDATE = new EmitStrategy('ON_WINDOW_UPDATE')
  private static readonly CLOSE = new EmitStrategy('ON_WINDOW_CLOSE')

  /** Every update of a window is emitted (subject to the store's cache). */
  static onWindowUpdate(): EmitStrategy {
    return EmitStrategy.UPDATE
  }

  /** Each window is emitted once, with its final result, when it closes. */
  static onWindowClose(): EmitStrategy {
    return EmitStrategy.CLOSE
  }

  /** `EmitStrategy(ON_WINDOW_CLOSE)` or `EmitStrategy(ON_WINDOW_UPDATE)`. */
  toString(): string {
    return `EmitStrategy(${this.type})`
  }
}

/** The strategy argument of `emitStrategy(...)`, checked. */
export function requireEmitStrategy(strategy: unknown, owner: string): EmitStrategy {
  if (!(strategy instanceof EmitStrategy)) {
    throw new TypeError(`${owner}.emitStrategy: expected EmitStrategy.onWindowClose() or EmitStrategy.onWindowUpdate(), got ${String(strategy)}`)
  }
  return strategy
}
