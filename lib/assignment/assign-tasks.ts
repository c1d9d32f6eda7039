import { compareTaskIds, parseTaskId } from './task-id.js'

export interface ClientState {
  processId: string
  prevActive: readonly string[]
  prevStandby: readonly string[]
  /** Tasks whose state this client holds locally, with an offset sum (higher = more caught up). */
  taskOffsets: Readonly<Record<string, number>>
}

export interface ClientAssignment {
  active: string[]
  standby: string[]
}

/**
 * Maps tasks to clients (instances): balanced per sub-topology (counts differ by at most one), sticky (a
 * task stays where it ran if that keeps balance), state-aware (a moving task goes preferably to
 * a client that holds its state, the most caught-up first), and with `numStandbyReplicas`
 * standbys per task on clients other than its active, preferring clients that already hold its
 * state. Deterministic for a given input. Pure: no I/O.
 */
export function assignTasks(
  taskIds: readonly string[],
  clients: readonly ClientState[],
  numStandbyReplicas: number,
): Map<string, ClientAssignment> {
  const result = new Map<string, ClientAssignment>()
  const sortedClients = [...clients].sort((a, b) => (a.processId < b.processId ? -1 : a.processId > b.processId ? 1 : 0))
  for (const c of sortedClients) result.set(c.processId, { active: [], standby: [] })
  if (sortedClients.length === 0) return result

  const tasks = [...taskIds].sort(compareTaskIds)
  const totalLoad = new Map(sortedClients.map(c => [c.processId, 0]))
  const prevOwner = new Map<string, string>()
  for (const c of sortedClients) for (const t of c.prevActive) if (!prevOwner.has(t)) prevOwner.set(t, c.processId)
  const stateHolders = (t: string): ClientState[] =>
    sortedClients
      .filter(c => c.taskOffsets[t] !== undefined || c.prevStandby.includes(t))
      .sort((a, b) => (b.taskOffsets[t] ?? -1) - (a.taskOffsets[t] ?? -1))

  // Each sub-topology is balanced on its own (as Kafka Streams), so every instance gets a share
  // of every stage; ties go to the instance with the least work overall.
  const bySubtopology = new Map<number, string[]>()
  for (const t of tasks) {
    const sub = parseTaskId(t).subtopology
    if (!bySubtopology.has(sub)) bySubtopology.set(sub, [])
    bySubtopology.get(sub)!.push(t)
  }
  for (const group of bySubtopology.values()) {
    const floor = Math.floor(group.length / sortedClients.length)
    let ceilSlots = group.length % sortedClients.length // how many clients may take floor + 1
    const load = new Map(sortedClients.map(c => [c.processId, 0]))
    const hasRoom = (id: string): boolean => {
      const n = load.get(id)!
      return n < floor || (n === floor && ceilSlots > 0)
    }
    const give = (id: string, task: string): void => {
      const n = load.get(id)!
      if (n === floor) ceilSlots--
      load.set(id, n + 1)
      totalLoad.set(id, totalLoad.get(id)! + 1)
      result.get(id)!.active.push(task)
    }

    // 1. Sticky: keep tasks where they were active, as far as balance allows.
    const unassigned: string[] = []
    for (const t of group) {
      const owner = prevOwner.get(t)
      if (owner !== undefined && hasRoom(owner)) give(owner, t)
      else unassigned.push(t)
    }

    // 2. Moving tasks go to a client holding their state (most caught up), else the least loaded.
    for (const t of unassigned) {
      const holder = stateHolders(t).find(c => hasRoom(c.processId))
      if (holder) {
        give(holder.processId, t)
        continue
      }
      let best: string | null = null
      for (const c of sortedClients) {
        if (!hasRoom(c.processId)) continue
        if (best === null) best = c.processId
        else {
          const d = load.get(c.processId)! - load.get(best)! || totalLoad.get(c.processId)! - totalLoad.get(best)!
          if (d < 0) best = c.processId
        }
      }
      give(best ?? sortedClients[0]!.processId, t)
    }
  }

  // 3. Standbys: never on the active's client nor twice on one client.
  if (numStandbyReplicas > 0) {
    const activeOf = new Map<string, string>()
    for (const [id, a] of result) for (const t of a.active) activeOf.set(t, id)
    const totalLoad = (id: string): number => result.get(id)!.active.length + result.get(id)!.standby.length
    for (const t of tasks) {
      const holders = new Set([activeOf.get(t)!])
      for (let r = 0; r < numStandbyReplicas; r++) {
        const candidates = sortedClients.filter(c => !holders.has(c.processId))
        if (candidates.length === 0) break
        const withState = candidates.filter(c => c.prevStandby.includes(t) || c.prevActive.includes(t) || c.taskOffsets[t] !== undefined)
        const pool = withState.length > 0 ? withState : candidates
        let best = pool[0]!
        for (const c of pool) if (totalLoad(c.processId) < totalLoad(best.processId)) best = c
        result.get(best.processId)!.standby.push(t)
        holders.add(best.processId)
      }
    }
  }

  for (const a of result.values()) {
    a.active.sort(compareTaskIds)
    a.standby.sort(compareTaskIds)
  }
  return result
}
