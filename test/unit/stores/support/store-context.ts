import type {
  ChangelogRecord,
  RecordCollector,
  RecordContext,
  RestoreCallback,
  StateStore,
  StateStoreContext,
} from '../../../../stores/state-store.js'
import { changelogTopicName } from '../../../../stores/state-store.js'
import { ThreadCache } from '../../../../stores/cache/thread-cache.js'
import type { Serde } from '../../../../stores/serde.js'

export interface SentRecord extends ChangelogRecord {
  topic: string
  partition: number
}

/** Keeps every record sent, in order, as the test driver's collector does. */
export class CapturingCollector implements RecordCollector {
  readonly sent: SentRecord[] = []
  send(topic: string, record: ChangelogRecord, partition: number): void {
    this.sent.push({ topic, partition, ...record })
  }
  clear(): void {
    this.sent.length = 0
  }
}

/** A task's view for stores under test: a real collector, a settable record context. */
export class TestStoreContext implements StateStoreContext {
  readonly applicationId = 'app'
  readonly taskId = '0_3'
  readonly partition = 3
  readonly collector = new CapturingCollector()
  readonly registered = new Map<string, { store: StateStore; restore: RestoreCallback }>()
  private current: RecordContext = { topic: 'input', partition: 3, offset: 0, timestamp: 0, headers: {} }

  constructor(
    readonly cache: ThreadCache | null = new ThreadCache(),
    readonly taskDir: string = '/nonexistent/app/0_3',
  ) {}

  changelogTopic(storeName: string): string {
    return changelogTopicName(this.applicationId, storeName)
  }

  recordContext(): RecordContext {
    return this.current
  }

  /** Sets the record "being processed" (a fresh object, as the executor hands out). */
  setRecord(timestamp: number, offset = this.current.offset + 1, headers = {}): void {
    this.current = { topic: 'input', partition: 3, offset, timestamp, headers }
  }

  register(store: StateStore, restore: RestoreCallback): void {
    if (this.registered.has(store.name)) throw new Error(`store ${store.name} registered twice`)
    this.registered.set(store.name, { store, restore })
  }
}

export const stringSerde: Serde<string> = {
  serialize: (_t, d) => (d === null ? null : Buffer.from(d, 'utf8')),
  deserialize: (_t, d) => (d === null ? null : d.toString('utf8')),
}

/** Big-endian 8 bytes, as Kafka's LongSerializer. */
export const longSerde: Serde<number> = {
  serialize: (_t, d) => {
    if (d === null) return null
    const b = Buffer.alloc(8)
    b.writeBigInt64BE(BigInt(d))
    return b
  },
  deserialize: (_t, d) => (d === null ? null : Number(d.readBigInt64BE(0))),
}

export const b = (s: string): Buffer => Buffer.from(s, 'latin1')
export const s = (buf: Buffer | null): string | null => (buf === null ? null : buf.toString('latin1'))
