// Committed offsets per consumer group (the broker's __consumer_offsets), optionally persisted
// as one JSON file in the data dir. Implements GroupOffsets so that transactional offset commits
// land here when their transaction commits.

import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { readFileSync, renameSync, writeFileSync, mkdirSync } from 'node:fs'
import { dirname } from 'node:path'

export interface GroupOffsets {
  commit(groupId: string, offsets: { topic: string; partition: number; offset: number; metadata: string | null }[]): void
}

export interface CommittedOffset {
  offset: number
  metadata: string | null
  leaderEpoch: number
  commitTimestamp: number
}

type Persisted = Record<string, Record<string, Record<string, CommittedOffset>>>

export class OffsetStore implements GroupOffsets {
  private readonly groups = new Map<string, Map<string, Map<number, CommittedOffset>>>()
  private saveTimer: NodeJS.Timeout | null = null
  private saving: Promise<void> = Promise.resolve()

  /** `file`: where offsets persist; none keeps them in memory only. */
  constructor(private readonly file: string | null = null) {}

  commit(groupId: string, offsets: { topic: string; partition: number; offset: number; metadata: string | null; leaderEpoch?: number }[]): void {
    let topics = this.groups.get(groupId)
    if (!topics) this.groups.set(groupId, (topics = new Map()))
    const now = Date.now()
    for (const o of offsets) {
      let parts = topics.get(o.topic)
      if (!parts) topics.set(o.topic, (parts = new Map()))
      parts.set(o.partition, { offset: o.offset, metadata: o.metadata, leaderEpoch: o.leaderEpoch ?? -1, commitTimestamp: now })
    }
    this.scheduleSave()
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
    if (this.groups.delete(groupId)) this.scheduleSave()
  }

  /** Drops offsets of a deleted topic, as Kafka does. */
  deleteTopic(topic: string): void {
    let changed = false
    for (const topics of this.groups.values()) changed = topics.delete(topic) || changed
    if (changed) this.scheduleSave()
  }

  async load(): Promise<void> {
    if (!this.file) return
    let text: string
    try {
      text = await readFile(this.file, 'utf8')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return
      throw err
    }
    this.fromJson(JSON.parse(text) as Persisted)
  }

  loadSync(): void {
    if (!this.file) return
    try {
      this.fromJson(JSON.parse(readFileSync(this.file, 'utf8')) as Persisted)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    }
  }

  private fromJson(data: Persisted): void {
    this.groups.clear()
    for (const [groupId, topics] of Object.entries(data)) {
      const t = new Map<string, Map<number, CommittedOffset>>()
      for (const [topic, parts] of Object.entries(topics)) {
        t.set(topic, new Map(Object.entries(parts).map(([p, o]) => [Number(p), o])))
      }
      this.groups.set(groupId, t)
    }
  }

  private toJson(): string {
    const out: Persisted = {}
    for (const [groupId, topics] of this.groups) {
      const t: Persisted[string] = (out[groupId] = {})
      for (const [topic, parts] of topics) t[topic] = Object.fromEntries(parts)
    }
    return JSON.stringify(out)
  }

  // Offsets are written shortly after a commit (batched) and always on close, via a temp file
  // and rename so a crash never leaves half a file.
  private scheduleSave(): void {
    if (!this.file || this.saveTimer) return
    this.saveTimer = setTimeout(() => {
      this.saveTimer = null
      this.saving = this.saving.then(() => this.saveAsync()).catch(() => {})
    }, 50)
    this.saveTimer.unref()
  }

  private async saveAsync(): Promise<void> {
    const file = this.file!
    await mkdir(dirname(file), { recursive: true })
    await writeFile(file + '.tmp', this.toJson())
    await rename(file + '.tmp', file)
  }

  async close(): Promise<void> {
    if (this.saveTimer) { clearTimeout(this.saveTimer); this.saveTimer = null }
    await this.saving
    if (!this.file) return
    mkdirSync(dirname(this.file), { recursive: true })
    writeFileSync(this.file + '.tmp', this.toJson())
    renameSync(this.file + '.tmp', this.file)
  }
}
