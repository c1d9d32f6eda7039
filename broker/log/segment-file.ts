/**
 * On-disk form of one partition: `<dataDir>/<topic>-<partition>/` holding `log` (the partition's
 * batches appended back to back, exactly as served) and `meta.json` (logStartOffset and
 * logEndOffset, which batches alone cannot tell after retention or compaction removed some).
 * Appends are plain writes, done before Produce answers, with no fsync, like Kafka's default flush
 * policy: a clean stop and a kill -9 of the process lose nothing (the page cache keeps the writes).
 */
import { closeSync, existsSync, ftruncateSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { LOG_OVERHEAD, BATCH_HEADER_SIZE, batchLengthOf, magicOf } from './record-batch.js'
import { writeFully } from './journal.js'

export interface PartitionMeta { logStartOffset: number; logEndOffset: number }

export class SegmentFile {
  private fd: number | null = null
  readonly dir: string

  constructor(dataDir: string, topic: string, partition: number) {
    this.dir = join(dataDir, `${topic}-${partition}`)
  }

  private get logPath(): string { return join(this.dir, 'log') }
  private get metaPath(): string { return join(this.dir, 'meta.json') }

  /** Reads the stored batches and metadata, dropping a torn batch at the tail (an interrupted write). */
  load(): { batches: Buffer[]; meta: PartitionMeta | null } {
    mkdirSync(this.dir, { recursive: true })
    const meta = existsSync(this.metaPath) ? (JSON.parse(readFileSync(this.metaPath, 'utf8')) as PartitionMeta) : null
    const data = existsSync(this.logPath) ? readFileSync(this.logPath) : Buffer.alloc(0)
    const batches: Buffer[] = []
    let pos = 0
    while (pos + LOG_OVERHEAD <= data.length) {
      const end = pos + LOG_OVERHEAD + batchLengthOf(data, pos)
      if (end > data.length || end - pos < BATCH_HEADER_SIZE || magicOf(data, pos) !== 2) break
      batches.push(data.subarray(pos, end))
      pos = end
    }
    this.fd = openSync(this.logPath, 'a')
    if (pos < data.length) ftruncateSync(this.fd, pos)
    return { batches, meta }
  }

  append(batch: Buffer): void {
    if (this.fd === null) throw new Error(`partition log file in ${this.dir} is not open`)
    writeFully(this.fd, batch)
  }

  /** Replaces the whole file (after compaction or when retention freed enough of its head). */
  rewrite(batches: Buffer[], meta: PartitionMeta): void {
    const tmp = `${this.logPath}.cleaned`
    const fd = openSync(tmp, 'w')
    try {
      for (const b of batches) writeFully(fd, b)
    } finally {
      closeSync(fd)
    }
    if (this.fd !== null) closeSync(this.fd)
    renameSync(tmp, this.logPath)
    this.fd = openSync(this.logPath, 'a')
    this.saveMeta(meta)
  }

  saveMeta(meta: PartitionMeta): void {
    const tmp = `${this.metaPath}.tmp`
    writeFileSync(tmp, JSON.stringify(meta))
    renameSync(tmp, this.metaPath)
  }

  close(meta: PartitionMeta): void {
    if (this.fd !== null) closeSync(this.fd)
    this.fd = null
    this.saveMeta(meta)
  }

  destroy(): void {
    if (this.fd !== null) closeSync(this.fd)
    this.fd = null
    rmSync(this.dir, { recursive: true, force: true })
  }
}
