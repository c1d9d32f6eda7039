// The `.checkpoint` file: changelog topic-partition → the next offset to restore from. Same text
// layout as Kafka Streams' OffsetCheckpoint (version line, count line, "topic partition offset"
// lines), written atomically (temp file, fsync, rename, fsync of the directory) and read
// tolerantly: a damaged file means "restore from scratch", with a warning naming it.
import { open, readFile, rename, rm } from 'node:fs/promises'
import { dirname } from 'node:path'

export interface ChangelogOffset {
  topic: string
  partition: number
  /** the next offset to read from the changelog (last restored or written offset + 1) */
  offset: number
}

export type CheckpointStatus = 'ok' | 'missing' | 'corrupt'

export interface CheckpointRead {
  status: CheckpointStatus
  /** keyed by `topicPartitionKey(topic, partition)`; empty unless status is 'ok' */
  offsets: Map<string, ChangelogOffset>
}

const VERSION = 0

/** ':' cannot occur in a Kafka topic name, so the key is unambiguous. */
export function topicPartitionKey(topic: string, partition: number): string {
  return `${topic}:${partition}`
}

export class OffsetCheckpoint {
  constructor(
    readonly file: string,
    private readonly warn: (message: string) => void = (m) => console.warn(`[kstreams] ${m}`),
  ) {}

  async read(): Promise<CheckpointRead> {
    let text: string
    try {
      text = await readFile(this.file, 'utf8')
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { status: 'missing', offsets: new Map() }
      this.warn(`cannot read checkpoint file ${this.file} (${(e as Error).message}); restoring its stores from scratch`)
      return { status: 'corrupt', offsets: new Map() }
    }
    try {
      return { status: 'ok', offsets: parse(text) }
    } catch (e) {
      this.warn(`checkpoint file ${this.file} is corrupt (${(e as Error).message}); restoring its stores from scratch`)
      return { status: 'corrupt', offsets: new Map() }
    }
  }

  /** Replaces the file atomically: a crash leaves either the old file or the new one, never a mix. */
  async write(offsets: Iterable<ChangelogOffset>): Promise<void> {
    const lines: string[] = []
    for (const { topic, partition, offset } of offsets) {
      validate(topic, partition, offset)
      lines.push(`${topic} ${partition} ${offset}`)
    }
    const text = `${VERSION}\n${lines.length}\n${lines.join('\n')}${lines.length ? '\n' : ''}`
    const tmp = `${this.file}.tmp`
    const fh = await open(tmp, 'w')
    try {
      await fh.writeFile(text, 'utf8')
      await fh.sync()
    } finally {
      await fh.close()
    }
    await rename(tmp, this.file)
    await syncDirectory(dirname(this.file))
  }

  async delete(): Promise<void> {
    await rm(this.file, { force: true })
    await rm(`${this.file}.tmp`, { force: true })
  }
}

function parse(text: string): Map<string, ChangelogOffset> {
  const lines = text.split('\n')
  if (lines.at(-1) === '') lines.pop()
  if (lines.length < 2) throw new Error('missing version or count line')
  if (lines[0].trim() !== String(VERSION)) throw new Error(`unknown version '${lines[0].slice(0, 20)}'`)
  const count = strictInt(lines[1], 'entry count')
  if (lines.length - 2 !== count) throw new Error(`expected ${count} entries, found ${lines.length - 2}`)
  const offsets = new Map<string, ChangelogOffset>()
  for (let i = 2; i < lines.length; i++) {
    const parts = lines[i].trim().split(/\s+/)
    if (parts.length !== 3) throw new Error(`line ${i + 1} is not 'topic partition offset'`)
    const entry = { topic: parts[0], partition: strictInt(parts[1], `partition on line ${i + 1}`), offset: strictInt(parts[2], `offset on line ${i + 1}`) }
    validate(entry.topic, entry.partition, entry.offset)
    offsets.set(topicPartitionKey(entry.topic, entry.partition), entry)
  }
  return offsets
}

function strictInt(s: string, what: string): number {
  const t = s.trim()
  if (!/^-?\d+$/.test(t)) throw new Error(`${what} '${t.slice(0, 20)}' is not an integer`)
  const n = Number(t)
  if (!Number.isSafeInteger(n)) throw new Error(`${what} ${t} is out of range`)
  return n
}

function validate(topic: string, partition: number, offset: number): void {
  if (!/^[A-Za-z0-9._-]+$/.test(topic)) throw new Error(`checkpoint topic '${topic}' is not a valid topic name`)
  if (!Number.isInteger(partition) || partition < 0) throw new Error(`checkpoint partition ${partition} of ${topic} is invalid`)
  if (!Number.isSafeInteger(offset) || offset < 0) throw new Error(`checkpoint offset ${offset} of ${topic}-${partition} is invalid`)
}

async function syncDirectory(dir: string): Promise<void> {
  // makes the rename itself durable; some filesystems refuse fsync on a directory, which is fine
  try {
    const fh = await open(dir, 'r')
    try {
      await fh.sync()
    } finally {
      await fh.close()
    }
  } catch {
    /* best effort */
  }
}
