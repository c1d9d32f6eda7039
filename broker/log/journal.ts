/**
 * An append-only file of JSON records, one a line: how the group and transaction coordinators keep
 * their state on disk (Kafka keeps it in the __consumer_offsets and __transaction_state logs).
 *
 * Each append is one write(2), done before the caller answers its request. There is no fsync, as in
 * Kafka's default flush policy: a killed process leaves its writes in the page cache, so everything
 * acknowledged survives `kill -9`; only a machine crash can lose the tail. A crash in the middle of a
 * write leaves a last line without its newline; `load` drops it. `rewrite` replaces the whole file
 * with a compact snapshot through a temp file and a rename, so a crash leaves either file whole.
 */
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs'
import { dirname } from 'node:path'

const NEWLINE = 0x0a
/** Rewrite once the appends since the last snapshot are larger than this and than twice the snapshot. */
const MIN_COMPACT_BYTES = 1 << 20

export class Journal<R> {
  private fd: number | null = null
  private snapshotBytes = 0
  private appendedBytes = 0

  constructor(readonly path: string) {}

  /** The records in the file, in order (none if it does not exist), without a torn last line. */
  load(): R[] {
    let data: Buffer
    try {
      data = readFileSync(this.path)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return []
      throw err
    }
    const records: R[] = []
    let pos = 0
    for (let nl = data.indexOf(NEWLINE, pos); nl >= 0; nl = data.indexOf(NEWLINE, pos)) {
      const line = data.toString('utf8', pos, nl)
      try {
        records.push(JSON.parse(line) as R)
      } catch {
        throw new Error(`${this.path}: corrupt record at byte ${pos} (not JSON): ${line.slice(0, 80)}`)
      }
      pos = nl + 1
    }
    // Bytes after the last newline are a write the crash interrupted: never acknowledged, dropped by
    // the rewrite the owner does after loading.
    this.snapshotBytes = pos
    this.appendedBytes = 0
    return records
  }

  /** Writes one record before returning (to the page cache: it survives a crash of this process). */
  append(record: R): void {
    if (this.fd === null) {
      mkdirSync(dirname(this.path), { recursive: true })
      this.fd = openSync(this.path, 'a')
    }
    const line = Buffer.from(JSON.stringify(record) + '\n')
    writeFully(this.fd, line)
    this.appendedBytes += line.length
  }

  /** Whether the appends since the last snapshot make a rewrite worth its cost. */
  get wantsRewrite(): boolean {
    return this.appendedBytes > MIN_COMPACT_BYTES && this.appendedBytes > 2 * this.snapshotBytes
  }

  /** Atomically replaces the file with these records (the owner's current state). */
  rewrite(records: R[]): void {
    mkdirSync(dirname(this.path), { recursive: true })
    const tmp = `${this.path}.tmp`
    const fd = openSync(tmp, 'w')
    let bytes = 0
    try {
      for (const r of records) {
        const line = Buffer.from(JSON.stringify(r) + '\n')
        writeFully(fd, line)
        bytes += line.length
      }
    } finally {
      closeSync(fd)
    }
    this.close()
    renameSync(tmp, this.path)
    this.snapshotBytes = bytes
    this.appendedBytes = 0
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd)
    this.fd = null
  }
}

/** write(2) may write less than asked (a signal, a full disk): go on until all of it is written or it throws. */
export function writeFully(fd: number, buf: Buffer): void {
  for (let done = 0; done < buf.length;) done += writeSync(fd, buf, done, buf.length - done)
}
