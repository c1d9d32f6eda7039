// Produces the input: each sequence number once, through an idempotent producer, keyed over
// 1000 keys. Every `pillEvery`-th sequence number is a poison pill instead of a record.
import { Kafka, logLevel, Partitioners, type Producer } from 'kafkajs'
import { encodeInput, encodePill, TOPICS } from './topology.js'
import { sleep } from './lines.js'

export const KEYS = 1000
export const keyOf = (seq: number) => `k${seq % KEYS}`
/** The n-th record of a key carries n: when one update is missing from an aggregate, the sum names it. */
export const amountOf = (seq: number) => Math.floor(seq / KEYS) + 1
export const seqOf = (key: string, amount: number) => Number(key.slice(1)) + KEYS * (amount - 1)

export class InputProducer {
  private producer: Producer
  private connected = false
  next = 0
  pills = 0
  /** Batches sent again after the client gave up on them (each may duplicate input). */
  resends = 0

  constructor(
    brokers: string[],
    private readonly pillEvery: number,
    private readonly log: (line: string) => void,
  ) {
    const kafka = new Kafka({ clientId: 'chaos-input', brokers, logLevel: logLevel.NOTHING, retry: { initialRetryTime: 100, maxRetryTime: 2000, retries: 12 } })
    this.producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner })
  }

  isPill(seq: number): boolean {
    return this.pillEvery > 0 && seq % this.pillEvery === this.pillEvery - 1
  }

  /** Produces the next `count` sequence numbers in batches. */
  async produce(count: number, batch = 2000): Promise<void> {
    const end = this.next + count
    while (this.next < end) {
      const n = Math.min(batch, end - this.next)
      const messages = []
      for (let seq = this.next; seq < this.next + n; seq++) {
        const pill = this.isPill(seq)
        messages.push({ key: keyOf(seq), value: pill ? encodePill(seq) : encodeInput({ seq, amount: amountOf(seq) }) })
      }
      await this.send(messages)
      for (let seq = this.next; seq < this.next + n; seq++) if (this.isPill(seq)) this.pills++
      this.next += n
    }
  }

  private async send(messages: { key: string; value: string }[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        if (!this.connected) {
          await this.producer.connect()
          this.connected = true
        }
        await this.producer.send({ topic: TOPICS.input, acks: -1, messages })
        return
      } catch (err) {
        if (attempt >= 20) throw new Error(`input producer: batch at seq ${this.next} failed ${attempt} times: ${(err as Error).message}`)
        this.resends++
        this.log(`input producer: batch at seq ${this.next} failed (${(err as Error).message}); sending it again`)
        await sleep(500)
      }
    }
  }

  async close(): Promise<void> {
    await this.producer.disconnect().catch(() => {})
  }
}
