// Time segments of a window or session store: one RocksDB instance per segment, in
// `<storeDir>/<store>.<segmentStartMs>` as Kafka Streams names them. Retention drops whole
// segments (close + delete the directory) instead of deleting keys one by one.
import { readdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { openStoreDatabase, type Warn } from './open-store.js'
import type { NativeOpenOptions } from './rocks-database.js'
import { RocksTable } from './rocks-table.js'

export { defaultSegmentInterval } from '../internals/key-schema.js'

export interface Segment {
  readonly id: number
  readonly table: RocksTable
}

export interface SegmentsOptions {
  storeName: string
  dir: string
  retentionPeriod: number
  segmentInterval: number
  native?: NativeOpenOptions
  warn?: Warn
}

/** Thrown when an existing segment directory is damaged: the whole store must be rebuilt. */
export class CorruptSegmentError extends Error {}

export class Segments {
  private readonly live = new Map<number, Segment>()
  private readonly opening = new Map<number, Promise<Segment>>()
  private minLiveSegment = Number.NEGATIVE_INFINITY
  private closed = false

  constructor(private readonly opts: SegmentsOptions) {}

  segmentId(timestamp: number): number {
    return Math.floor(timestamp / this.opts.segmentInterval)
  }

  private segmentPath(id: number): string {
    return join(this.opts.dir, `${this.opts.storeName}.${id * this.opts.segmentInterval}`)
  }

  /** Opens every segment already on disk. */
  async openExisting(): Promise<void> {
    let names: string[]
    try {
      names = await readdir(this.opts.dir)
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return
      throw e
    }
    const pattern = new RegExp(`^${escapeRegExp(this.opts.storeName)}\\.(\\d+)$`)
    for (const name of names) {
      const m = pattern.exec(name)
      if (!m) continue
      const start = Number(m[1])
      if (start % this.opts.segmentInterval !== 0) {
        throw new CorruptSegmentError(`segment directory ${join(this.opts.dir, name)} does not match segment interval ${this.opts.segmentInterval}`)
      }
      const id = start / this.opts.segmentInterval
      const opened = await openStoreDatabase({ storeName: `${this.opts.storeName} (segment ${name})`, path: join(this.opts.dir, name), native: this.opts.native, warn: this.opts.warn, onCorrupt: 'delete' })
      if (opened.recovered) {
        await opened.db.close()
        throw new CorruptSegmentError(`segment ${name} of store '${this.opts.storeName}' was corrupt`)
      }
      this.live.set(id, { id, table: new RocksTable(opened.db) })
    }
  }

  /** Segment ids below this hold only expired data. */
  minLiveSegmentFor(streamTime: number): number {
    return this.segmentId(streamTime - this.opts.retentionPeriod)
  }

  /**
   * The live segment for `timestamp`, opening it when needed (a promise only then), or null
   * when the timestamp is already past retention at `streamTime`.
   */
  getOrCreate(timestamp: number, streamTime: number): Segment | null | Promise<Segment | null> {
    const id = this.segmentId(timestamp)
    if (id < this.minLiveSegmentFor(streamTime)) return null
    const seg = this.live.get(id)
    if (seg !== undefined) return seg
    let opening = this.opening.get(id)
    if (opening === undefined) {
      opening = this.open(id)
      this.opening.set(id, opening)
    }
    return opening
  }

  /** The open segment for `timestamp` if any (reads never create segments). */
  get(timestamp: number): Segment | undefined | Promise<Segment | undefined> {
    const id = this.segmentId(timestamp)
    return this.live.get(id) ?? this.opening.get(id)
  }

  /** Live segments overlapping [timeFrom, timeTo], in time order (or reversed). */
  async inRange(timeFrom: number, timeTo: number, reverse = false): Promise<Segment[]> {
    if (this.opening.size > 0) await Promise.all(this.opening.values())
    const lo = this.segmentId(timeFrom)
    const hi = this.segmentId(timeTo)
    const out = [...this.live.values()].filter((s) => s.id >= lo && s.id <= hi && s.id >= this.minLiveSegment)
    out.sort((a, b) => (reverse ? b.id - a.id : a.id - b.id))
    return out
  }

  /** Drops (closes and deletes) segments that retention has passed at `streamTime`. */
  async cleanup(streamTime: number): Promise<void> {
    const min = this.minLiveSegmentFor(streamTime)
    if (min <= this.minLiveSegment) return
    this.minLiveSegment = min
    if (this.opening.size > 0) await Promise.all(this.opening.values())
    for (const [id, seg] of [...this.live]) {
      if (id >= min) continue
      this.live.delete(id)
      await seg.table.close()
      await rm(this.segmentPath(id), { recursive: true, force: true })
    }
  }

  /** Flushes every segment's pending writes (one write batch per segment). */
  async flush(): Promise<void> {
    if (this.opening.size > 0) await Promise.all(this.opening.values())
    for (const seg of this.live.values()) await seg.table.flush()
  }

  all(): Segment[] {
    return [...this.live.values()].sort((a, b) => a.id - b.id)
  }

  async close(): Promise<void> {
    this.closed = true
    if (this.opening.size > 0) await Promise.allSettled(this.opening.values())
    for (const seg of this.live.values()) await seg.table.close()
    this.live.clear()
  }

  private async open(id: number): Promise<Segment> {
    try {
      const opened = await openStoreDatabase({ storeName: `${this.opts.storeName} (segment ${id})`, path: this.segmentPath(id), native: this.opts.native, warn: this.opts.warn, onCorrupt: 'delete' })
      if (this.closed) {
        await opened.db.close()
        throw new Error(`store '${this.opts.storeName}' was closed while segment ${id} was opening`)
      }
      const seg = { id, table: new RocksTable(opened.db, undefined, { startedEmpty: opened.fresh }) }
      this.live.set(id, seg)
      return seg
    } finally {
      this.opening.delete(id)
    }
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
