// Committed offsets per consumer group (the broker's __consumer_offsets). With a file, every change
// is appended to it before the commit is acknowledged (see Journal), so committed offsets survive a
// restart and a kill -9 of the broker process. Implements GroupOffsets so that transactional offset
// commits land here when their transaction commits.

import { readFileSync, rmSync } from 'node:fs'
import { Journal } from '../log/journal.js'

export interface GroupOffsets {
  commit(groupId: string, offsets: { topic: string; partition: number; offset: number; metadata: string | null }[]): void
}

export interface CommittedOffset {
  offset: number
  metadata: string | null
  leaderEpoch: number
  commitTimestamp: number
}

/** [topic, partition, offset, metadata, leaderEpoch, commitTimestamp] */
type OffsetTuple = [string, number, number, string | null, number, number]
/** One change: offsets committed for a group, a group deleted, or a topic's offsets dropped. */
type OffsetRecord = { g: string; o: OffsetTuple[] } | { deleteGroup: string } | { deleteTopic: string }

/** The whole-file JSON form earlier versions wrote (`consumer-offsets.json`), read once if present. */
type LegacySnapshot = Record<string, Record<string, Record<string, CommittedOffset>>>

export class OffsetStore implements GroupOffsets {
  private readonly groups = new Map<string, Map<string, Map<number, CommittedOffset>>>()
  private readonly journal: Journal<OffsetRecord> | null

  /**
   * `file`: the log where offsets persist (none keeps them in memory only). `legacyFile`: a
   * snapshot of an earlier version, loaded before the log and removed once the log holds its content.
   */
  constructor(file: string | null = null, private readonly legacyFile: string | null = null) {
    this.journal = file ? new Journal<OffsetRecord>(file) : null
  }

  commit(groupId: string, offsets: { topic: string; partition: number; offset: number; metadata: string | null; leaderEpoch?: number }[]): void {
    const now = Date.now()
    const tuples = offsets.map((o): OffsetTuple => [o.topic, o.partition, o.offset, o.metadata, o.leaderEpoch ?? -1, now])
    this.journal?.append({ g: groupId, o: tuples })
    this.apply(groupId, tuples)
    this.compactIfDue()
  }

  get(groupId: string, topic: string, partition: number): CommittedOffset | undefined {
    return this.groups.get(groupId)?.get(topic)?.get(partition)
  }

  /** Every committed partition of a group, by topic. */
  all(groupId: string): Map<string, Map<number, CommittedOffset>> {
    return this.groups.get(groupId) ?? new Map()
  }

  hasGroup(groupId: string): boolean {
    return this.groups.has(groupId)
  }

  groupIds(): string[] {
    return [...this.groups.keys()]
  }

  deleteGroup(groupId: string): void {
    if (!this.groups.has(groupId)) return
    this.journal?.append({ deleteGroup: groupId })
    this.groups.delete(groupId)
    this.compactIfDue()
  }

  /** Drops offsets of a deleted topic, as Kafka does. */
  deleteTopic(topic: string): void {
    let found = false
    for (const topics of this.groups.values()) found = topics.has(topic) || found
    if (!found) return
    this.journal?.append({ deleteTopic: topic })
    for (const topics of this.groups.values()) topics.delete(topic)
    this.compactIfDue()
  }

  async load(): Promise<void> {
    this.loadSync()
  }

  /** Replays the log (after the legacy snapshot, if any), then rewrites it compactly. */
  loadSync(): void {
    if (!this.journal) return
    this.groups.clear()
    const legacy = this.readLegacy()
    if (legacy) this.fromLegacy(legacy)
    for (const r of this.journal.load()) {
      if ('g' in r) this.apply(r.g, r.o)
      else if ('deleteGroup' in r) this.groups.delete(r.deleteGroup)
      else for (const topics of this.groups.values()) topics.delete(r.deleteTopic)
    }
    this.journal.rewrite(this.snapshot())
    if (legacy) rmSync(this.legacyFile!, { force: true })
  }

  /** Rewrites the log compactly and closes it (everything was already written at each change). */
  async close(): Promise<void> {
    if (!this.journal) return
    this.journal.rewrite(this.snapshot())
    this.journal.close()
  }

  private apply(groupId: string, tuples: OffsetTuple[]): void {
    let topics = this.groups.get(groupId)
    if (!topics) this.groups.set(groupId, (topics = new Map()))
    for (const [topic, partition, offset, metadata, leaderEpoch, commitTimestamp] of tuples) {
      let parts = topics.get(topic)
      if (!parts) topics.set(topic, (parts = new Map()))
      parts.set(partition, { offset, metadata, leaderEpoch, commitTimestamp })
    }
  }

  private snapshot(): OffsetRecord[] {
    const out: OffsetRecord[] = []
    for (const [g, topics] of this.groups) {
      const o: OffsetTuple[] = []
      for (const [topic, parts] of topics) {
        for (const [p, c] of parts) o.push([topic, p, c.offset, c.metadata, c.leaderEpoch, c.commitTimestamp])
      }
      out.push({ g, o })
    }
    return out
  }

  private compactIfDue(): void {
    if (this.journal?.wantsRewrite) this.journal.rewrite(this.snapshot())
  }

  private readLegacy(): LegacySnapshot | null {
    if (!this.legacyFile) return null
    try {
      return JSON.parse(readFileSync(this.legacyFile, 'utf8')) as LegacySnapshot
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
      throw new Error(`cannot read committed offsets from ${this.legacyFile}: ${(err as Error).message}`)
    }
  }

  private fromLegacy(data: LegacySnapshot): void {
    for (const [groupId, topics] of Object.entries(data)) {
      const t = new Map<string, Map<number, CommittedOffset>>()
      for (const [topic, parts] of Object.entries(topics)) {
        t.set(topic, new Map(Object.entries(parts).map(([p, o]) => [Number(p), o])))
      }
      this.groups.set(groupId, t)
    }
  }
}
