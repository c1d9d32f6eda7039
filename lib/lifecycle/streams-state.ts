/** KafkaStreams client states, as Kafka Streams' KafkaStreams.State. */
export type StreamsState =
  | 'CREATED'
  | 'REBALANCING'
  | 'RUNNING'
  | 'PENDING_SHUTDOWN'
  | 'NOT_RUNNING'
  | 'PENDING_ERROR'
  | 'ERROR'

const VALID_TRANSITIONS: Record<StreamsState, readonly StreamsState[]> = {
  CREATED: ['REBALANCING', 'PENDING_SHUTDOWN'],
  REBALANCING: ['RUNNING', 'PENDING_SHUTDOWN', 'PENDING_ERROR'],
  RUNNING: ['REBALANCING', 'PENDING_SHUTDOWN', 'PENDING_ERROR'],
  PENDING_SHUTDOWN: ['NOT_RUNNING'],
  NOT_RUNNING: [],
  PENDING_ERROR: ['ERROR'],
  ERROR: [],
}

export function isValidTransition(from: StreamsState, to: StreamsState): boolean {
  return VALID_TRANSITIONS[from].includes(to)
}

/** States in which the client is up and may serve interactive queries. */
export function isRunningOrRebalancing(state: StreamsState): boolean {
  return state === 'RUNNING' || state === 'REBALANCING'
}

export class IllegalStateTransitionError extends Error {
  override readonly name = 'IllegalStateTransitionError'
  constructor(readonly from: StreamsState, readonly to: StreamsState) {
    super(`KafkaStreams cannot move from ${from} to ${to}`)
  }
}

/**
 * Holds the client state and enforces Kafka Streams' transition table. `set` returns false for a
 * repeat of the current state (a no-op, as a second rebalance while REBALANCING) and throws on an
 * illegal move, so bugs surface instead of silently confusing listeners.
 */
export class StateMachine {
  private current: StreamsState = 'CREATED'
  constructor(private readonly onChange: (next: StreamsState, prev: StreamsState) => void) {}

  get state(): StreamsState {
    return this.current
  }

  set(next: StreamsState): boolean {
    const prev = this.current
    if (prev === next) return false
    if (!isValidTransition(prev, next)) throw new IllegalStateTransitionError(prev, next)
    this.current = next
    this.onChange(next, prev)
    return true
  }

  /** Moves only if the transition is legal; for paths racing with shutdown or errors. */
  trySet(next: StreamsState): boolean {
    if (this.current === next || !isValidTransition(this.current, next)) return false
    return this.set(next)
  }
}
