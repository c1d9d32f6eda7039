// Fetch sessions (KIP-227): a client that fetches the same partitions over and over registers
// them once; later (incremental) fetches name only what changed, and the broker answers only
// for partitions with news (records, a moved high watermark, log start or last stable offset,
// or an error). Kafka's FetchSession, FetchSessionCache and FetchManager, for one broker.

/** Epoch values of a fetch request's session metadata. */
export const INITIAL_EPOCH = 0
export const FINAL_EPOCH = -1

export interface SessionPartition {
  readonly topic: string
  readonly topicId: Buffer
  readonly partition: number
  fetchOffset: number
  maxBytes: number
  currentLeaderEpoch: number
  // What the last response told the client, to decide whether the next one must mention it.
  highWatermark: number
  lastStableOffset: number
  logStartOffset: number
}

export class FetchSession {
  /** The epoch the next incremental fetch must carry. */
  epoch = 1
  lastUsed: number
  /** By partition key; insertion order is the read order (partitions that returned data move to the end). */
  readonly partitions = new Map<string, SessionPartition>()

  constructor(readonly id: number, now: number, readonly usesTopicIds: boolean) {
    this.lastUsed = now
  }

  /** The epoch after `epoch`, wrapping past int32 max to 1 (0 means a new session). */
  static nextEpoch(epoch: number): number {
    return epoch >= 0x7fffffff ? 1 : epoch + 1
  }
}

/** Kafka's max.incremental.fetch.session.cache.slots default. */
const MAX_SESSIONS = 1000

export class FetchSessions {
  private readonly sessions = new Map<number, FetchSession>()

  get size(): number {
    return this.sessions.size
  }

  /** The session, now the most recently used. */
  get(id: number, now: number): FetchSession | undefined {
    const s = this.sessions.get(id)
    if (s) {
      // The map's order is the order of last use, so the first entry is the one to evict.
      this.sessions.delete(id)
      this.sessions.set(id, s)
      s.lastUsed = now
    }
    return s
  }

  remove(id: number): void {
    this.sessions.delete(id)
  }

  /** A new session with a fresh random id; the least recently used one is evicted when the cache is full. */
  create(now: number, usesTopicIds: boolean): FetchSession {
    if (this.sessions.size >= MAX_SESSIONS) this.sessions.delete(this.sessions.keys().next().value!)
    let id: number
    do id = 1 + Math.floor(Math.random() * 0x7ffffffe)
    while (this.sessions.has(id))
    const session = new FetchSession(id, now, usesTopicIds)
    this.sessions.set(id, session)
    return session
  }

  clear(): void {
    this.sessions.clear()
  }
}
