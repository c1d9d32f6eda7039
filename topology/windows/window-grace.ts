import type { InternalTopologyBuilder } from '../internals/internal-topology-builder.js'
import { TopologyError } from '../internals/topology-error.js'

// Windowed aggregation nodes and their close delay (grace, plus the gap for sessions), per topology.
const closeDelays = new WeakMap<InternalTopologyBuilder, Map<string, number>>()

export function registerWindowCloseDelay(builder: InternalTopologyBuilder, nodeName: string, delayMs: number): void {
  let nodes = closeDelays.get(builder)
  if (nodes === undefined) closeDelays.set(builder, (nodes = new Map()))
  nodes.set(nodeName, delayMs)
}

/**
 * How long after a window's end its result is final, for the node `nodeName`: the grace of the
 * windowed aggregation upstream (Kafka Streams' GraphGraceSearchUtil). Every path up must reach
 * one; with several, the largest wins.
 */
export function findWindowCloseDelay(builder: InternalTopologyBuilder, nodeName: string, chain: string[] = []): number {
  const own = closeDelays.get(builder)?.get(nodeName)
  if (own !== undefined) return own
  const def = builder.nodes.get(nodeName)
  const path = [nodeName, ...chain]
  if (!def || def.predecessors.length === 0) {
    throw new TopologyError(`Window close time is only defined for windowed computations. Got [${path.join('->')}].`)
  }
  let delay = -1
  for (const parent of def.predecessors) delay = Math.max(delay, findWindowCloseDelay(builder, parent, path))
  return delay
}
