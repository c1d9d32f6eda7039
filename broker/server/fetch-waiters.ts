// Long-polling fetches waiting for appends, indexed by partition so an append wakes only the
// fetches that asked for that partition.

export interface FetchWaiter {
  readonly keys: readonly string[]
  /** `final`: answer now with whatever is there (timeout or shutdown). */
  onAppend(final?: boolean): void
}

export function partitionKey(topic: string, partition: number): string {
  return topic + '\u0000' + partition
}

export class FetchWaiters {
  private readonly byKey = new Map<string, Set<FetchWaiter>>()

  add(w: FetchWaiter): void {
    for (const k of w.keys) {
      let set = this.byKey.get(k)
      if (!set) this.byKey.set(k, (set = new Set()))
      set.add(w)
    }
  }

  remove(w: FetchWaiter): void {
    for (const k of w.keys) {
      const set = this.byKey.get(k)
      if (!set) continue
      set.delete(w)
      if (set.size === 0) this.byKey.delete(k)
    }
  }

  /** Called for every append (LogManager 'append' event). */
  notify(topic: string, partition: number): void {
    const set = this.byKey.get(partitionKey(topic, partition))
    if (!set) return
    for (const w of [...set]) w.onAppend()
  }

  /** Answers every waiting fetch now (shutdown). */
  wakeAll(): void {
    const all = new Set<FetchWaiter>()
    for (const set of this.byKey.values()) for (const w of set) all.add(w)
    for (const w of all) w.onAppend(true)
  }
}
