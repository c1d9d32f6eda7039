import type { StreamsState } from './streams-state.js'

/**
 * Ready to serve: RUNNING, so every assigned task has restored its state and is processing.
 * A rebalance (and the restore it may start) makes the instance unready until it is RUNNING again.
 */
export function isReadyState(state: StreamsState): boolean {
  return state === 'RUNNING'
}

/**
 * Alive: not failed and not shut down. Starting, rebalancing, restoring and closing are alive;
 * PENDING_ERROR, ERROR and NOT_RUNNING are not (a restart is the remedy for all three).
 */
export function isAliveState(state: StreamsState): boolean {
  return state !== 'PENDING_ERROR' && state !== 'ERROR' && state !== 'NOT_RUNNING'
}
