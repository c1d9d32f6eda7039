import { appendFileSync } from 'node:fs'
import { inspect } from 'node:util'
import type { Processor } from '../../processor/processor.js'
import type { Record } from '../../processor/record.js'
import type { KeyValueFormatter, PrintTarget } from '../../options/printed.js'

/** Lines to a file are written in chunks of about this many characters (and on close). */
const FILE_CHUNK_CHARS = 64 * 1024

/**
 * A key or value as Java's `toString` would show it: strings and numbers as they are, null as
 * `null`, windowed keys as `[key@start/end]`, other objects through `util.inspect` on one line.
 */
export function formatPrinted(x: unknown): string {
  if (x === null || x === undefined) return 'null'
  if (typeof x !== 'object') return String(x)
  const w = x as { key?: unknown; window?: { start?: unknown; end?: unknown } }
  if (w.window && typeof w.window.start === 'number' && typeof w.window.end === 'number' && 'key' in w) {
    return `[${formatPrinted(w.key)}@${w.window.start}/${w.window.end}]`
  }
  return inspect(x, { breakLength: Infinity, depth: 4 })
}

const defaultFormatter: KeyValueFormatter<unknown, unknown> = (k, v) => `${formatPrinted(k)}, ${formatPrinted(v)}`

/** `KStream.print`: writes `[label]: <formatted record>` per record; a terminal node. */
export class PrintProcessor<K, V> implements Processor<K, V, never, never> {
  private readonly format: KeyValueFormatter<K, V>
  private pending = ''

  constructor(
    private readonly target: PrintTarget,
    private readonly label: string,
    mapper: KeyValueFormatter<K, V> | null,
  ) {
    this.format = mapper ?? (defaultFormatter as KeyValueFormatter<K, V>)
  }

  process(record: Record<K, V>): void {
    const line = `[${this.label}]: ${this.format(record.key, record.value)}\n`
    if (this.target.kind === 'stdout') {
      process.stdout.write(line)
      return
    }
    this.pending += line
    if (this.pending.length >= FILE_CHUNK_CHARS) this.flush()
  }

  close(): void {
    this.flush()
  }

  private flush(): void {
    if (this.target.kind !== 'file' || this.pending.length === 0) return
    appendFileSync(this.target.path, this.pending)
    this.pending = ''
  }
}
