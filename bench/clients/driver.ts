// What B9 asks of each Kafka client: produce N records in sends of `batch`, then consume them in
// a consumer group. Each driver is the client's ordinary public API, used as its docs show.

export interface ClientDriver {
  /** Produces `n` records (key `k<i>`, a 90-byte value) in sends of `batch`, acks -1. */
  produce(topic: string, n: number, batch: number, onProgress: (done: number) => void): Promise<void>
  /** Consumes `n` records from the start of `topic` as a group member; checks the count and bytes. */
  consume(topic: string, n: number, onProgress: (done: number) => void): Promise<void>
  close(): Promise<void>
}

export const KEY_BYTES = 10
export const VALUE_BYTES = 90
export const VALUE = Buffer.alloc(VALUE_BYTES, 'v')
export const keyOf = (i: number): Buffer => Buffer.from(`k${String(i).padStart(KEY_BYTES - 1, '0')}`)

/** Throws unless a consumer saw exactly what was produced. */
export function checkConsumed(client: string, seen: number, bytes: number, n: number): void {
  if (seen !== n) throw new Error(`${client}: consumed ${seen} records, produced ${n}`)
  if (bytes !== n * VALUE_BYTES) throw new Error(`${client}: consumed ${bytes} value bytes, expected ${n * VALUE_BYTES}`)
}
