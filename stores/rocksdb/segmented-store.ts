// What the RocksDB window and session stores share: their segments under
// `<taskDir>/rocksdb/<store>/`, observed stream time and retention, restore routed by the
// timestamp inside each changelog key, and rebuilding the whole store when a segment is damaged.
import { readdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import type { RestoreRecord, StateStore, StateStoreContext } from '../state-store.js'
import { invalidateCheckpointEntries, ROCKSDB_DIR } from '../checkpoint/task-state.js'
import { InvalidStateStoreError } from '../internals/store-errors.js'
import { defaultWarn, type Warn } from './open-store.js'
import type { NativeOpenOptions } from './rocks-database.js'
import { withConfiguredOptions } from './rocksdb-options.js'
import { CorruptSegmentError, Segments, type Segment } from './segments.js'

export interface SegmentedStoreOptions {
  native?: NativeOpenOptions
  warn?: Warn
}

export abstract class SegmentedRocksStore implements StateStore {
  readonly persistent = true
  protected segments: Segments | null = null
  /** the highest timestamp written or restored; -1 before any, as Kafka Streams */
  protected observedStreamTime = -1
  freshlyCreated = false
  path: string | null = null

  constructor(
    readonly name: string,
    readonly retentionPeriod: number,
    readonly segmentInterval: number,
    protected readonly options: SegmentedStoreOptions = {},
  ) {
    if (!name) throw new Error('a RocksDB store needs a non-empty name')
    if (!Number.isSafeInteger(retentionPeriod) || retentionPeriod < 0) throw new RangeError(`store '${name}': retention period must be a non-negative integer of ms, got ${retentionPeriod}`)
    if (!Number.isSafeInteger(segmentInterval) || segmentInterval < 1) throw new RangeError(`store '${name}': segment interval must be a positive integer of ms, got ${segmentInterval}`)
  }

  /** The timestamp that places a stored (= changelog) key in its segment. */
  protected abstract segmentTimestamp(storeKey: Buffer): number

  async init(context: StateStoreContext, root: StateStore): Promise<void> {
    if (this.segments !== null) throw new InvalidStateStoreError(this.name, 'is already open')
    const dir = join(context.taskDir, ROCKSDB_DIR, this.name)
    this.path = dir
    this.native = withConfiguredOptions(this.options.native, context.rocksDb?.options(this.name, dir))
    this.released = context.rocksDb ? context.rocksDb.closed.bind(context.rocksDb, dir) : null
    const warn = this.options.warn ?? defaultWarn
    let fresh = await isEmptyOrMissing(dir)
    let segments = this.newSegments(dir)
    try {
      await segments.openExisting()
    } catch (e) {
      if (!(e instanceof CorruptSegmentError)) throw e
      warn(`state store '${this.name}' at ${dir}: ${e.message}; deleting the store and rebuilding it from its changelog`)
      await segments.close()
      await rm(dir, { recursive: true, force: true })
      segments = this.newSegments(dir)
      fresh = true
    }
    this.segments = segments
    this.freshlyCreated = fresh
    if (fresh) {
      await invalidateCheckpointEntries(context.taskDir, [{ topic: context.changelogTopic(this.name), partition: context.partition }], this.options.warn)
    }
    context.register(root, (batch) => this.restoreBatch(batch))
  }

  /**
   * Writes changelog records to their segments, one write batch per segment; records already
   * past retention are skipped and expired segments dropped, as for live writes.
   */
  async restoreBatch(batch: RestoreRecord[]): Promise<void> {
    const segments = this.open()
    for (const r of batch) {
      const ts = this.segmentTimestamp(r.key)
      if (ts > this.observedStreamTime) this.observedStreamTime = ts
    }
    const bySegment = new Map<Segment, RestoreRecord[]>()
    for (const r of batch) {
      let seg = segments.getOrCreate(this.segmentTimestamp(r.key), this.observedStreamTime)
      if (seg instanceof Promise) seg = await seg
      if (seg === null) continue
      let list = bySegment.get(seg)
      if (list === undefined) bySegment.set(seg, (list = []))
      list.push(r)
    }
    for (const [seg, records] of bySegment) await seg.table.writeBatch(records)
    await segments.cleanup(this.observedStreamTime)
  }

  async flush(): Promise<void> {
    if (this.segments !== null) await this.segments.flush()
  }

  /** Closes every segment. Unflushed writes are dropped, as in Kafka Streams: the task flushes first. */
  async close(): Promise<void> {
    const segments = this.segments
    if (segments === null) return
    this.segments = null
    try {
      await segments.close()
    } finally {
      const r = this.released
      this.released = null
      r?.()
    }
  }

  /** Options every segment opens with (this store's share of the instance's RocksDB budget). */
  private native: NativeOpenOptions | undefined = undefined
  private released: (() => void) | null = null

  isOpen(): boolean {
    return this.segments !== null
  }

  /** The earliest timestamp still within retention. */
  protected minLiveTime(): number {
    return this.observedStreamTime < 0 ? Number.MIN_SAFE_INTEGER : this.observedStreamTime - this.retentionPeriod + 1
  }

  /** Advances stream time; returns the segment to write (a promise only while it opens) or null if expired. */
  protected segmentForWrite(timestamp: number): Segment | null | Promise<Segment | null> {
    const segments = this.open()
    if (timestamp > this.observedStreamTime) this.observedStreamTime = timestamp
    return segments.getOrCreate(timestamp, this.observedStreamTime)
  }

  /** Drops expired segments when stream time moved past a segment boundary (a promise only then). */
  protected expire(): void | Promise<void> {
    const segments = this.open()
    if (segments.minLiveSegmentFor(this.observedStreamTime) > this.lastCleanupSegment) {
      this.lastCleanupSegment = segments.minLiveSegmentFor(this.observedStreamTime)
      return segments.cleanup(this.observedStreamTime)
    }
  }
  private lastCleanupSegment = Number.NEGATIVE_INFINITY

  protected open(): Segments {
    if (this.segments === null) throw new InvalidStateStoreError(this.name, 'is not open')
    return this.segments
  }

  private newSegments(dir: string): Segments {
    return new Segments({ storeName: this.name, dir, retentionPeriod: this.retentionPeriod, segmentInterval: this.segmentInterval, native: this.native ?? this.options.native, warn: this.options.warn })
  }
}

async function isEmptyOrMissing(path: string): Promise<boolean> {
  try {
    return (await readdir(path)).length === 0
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return true
    throw e
  }
}
