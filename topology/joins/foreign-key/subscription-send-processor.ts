import type { Serde } from '../../../stores/serde.js'
import type { Change } from '../../dsl/change.js'
import type { InternalProcessorContext } from '../../internals/processor-node.js'
import type { Processor, ProcessorContext } from '../../processor/processor.js'
import type { Record } from '../../processor/record.js'
import type { FkJoinPseudoTopics } from './pseudo-topics.js'
import { reportDroppedRecord } from '../../internals/dropped-records.js'
import { valueHash } from './value-hash.js'
import { Instruction, SUBSCRIPTION_WRAPPER_CURRENT_VERSION, type SubscriptionWrapper, type ValueHash } from './subscription-wrapper.js'

/** The key-aware foreign-key extractor (KIP-1104); null (or undefined) means "no foreign key". */
export type ForeignKeyExtractor<K, V, KO> = (value: V, key: K) => KO | null | undefined

/**
 * Kafka Streams' SubscriptionSendProcessorSupplier: turns each update of the primary table into
 * subscription registrations keyed by foreign key, unsubscribing the old foreign key when it changed.
 * Every registration carries the hash of the new primary value, so stale responses can be dropped.
 */
export class SubscriptionSendProcessor<K, V, KO> implements Processor<K, Change<V>, KO | null, SubscriptionWrapper<K>> {
  private ctx!: InternalProcessorContext<KO | null, SubscriptionWrapper<K>>

  constructor(
    private readonly extractor: ForeignKeyExtractor<K, V, KO>,
    private readonly foreignKeySerde: Serde<KO>,
    private readonly valueSerde: Serde<V>,
    private readonly topics: FkJoinPseudoTopics,
    private readonly leftJoin: boolean,
  ) {}

  init(ctx: ProcessorContext<KO | null, SubscriptionWrapper<K>>): void {
    this.ctx = ctx as InternalProcessorContext<KO | null, SubscriptionWrapper<K>>
    this.topics.bind(ctx.applicationId)
  }

  process(record: Record<K, Change<V>>): void | Promise<void> {
    // KIP-914: an out-of-order version of a versioned table changes no join result
    if (record.value.isLatest === false) return reportDroppedRecord(this.ctx, 'an out-of-order record of a versioned table')
    const sends: [KO | null, Instruction][] = this.leftJoin ? this.leftJoinInstructions(record) : this.innerJoinInstructions(record)
    if (sends.length === 0) return
    return this.forwardAll(record, this.hash(record.value.newValue), sends, 0)
  }

  private extract(record: Record<K, Change<V>>, value: V): KO | null {
    return this.extractor(value, record.key) ?? null
  }

  private leftJoinInstructions(record: Record<K, Change<V>>): [KO | null, Instruction][] {
    const { oldValue, newValue } = record.value
    if (oldValue !== null) {
      const oldFk = this.extract(record, oldValue)
      const newFk = newValue === null ? null : this.extract(record, newValue)
      const out: [KO | null, Instruction][] = []
      if (oldFk !== null && !this.sameForeignKey(newFk, oldFk)) out.push([oldFk, Instruction.DELETE_KEY_AND_PROPAGATE])
      out.push([newFk, Instruction.PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE])
      return out
    }
    if (newValue !== null) return [[this.extract(record, newValue), Instruction.PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE]]
    return []
  }

  private innerJoinInstructions(record: Record<K, Change<V>>): [KO | null, Instruction][] {
    const { oldValue, newValue } = record.value
    if (oldValue !== null) {
      const oldFk = this.extract(record, oldValue)
      if (oldFk === null) return [] // Kafka Streams drops it (a null foreign key)
      if (newValue === null) return [[oldFk, Instruction.DELETE_KEY_AND_PROPAGATE]]
      const newFk = this.extract(record, newValue)
      if (newFk === null) return []
      const out: [KO | null, Instruction][] = []
      // A moved foreign key unsubscribes the old one; the new one "unsets" the previous result when it has no match.
      if (!this.sameForeignKey(newFk, oldFk)) out.push([oldFk, Instruction.DELETE_KEY_NO_PROPAGATE])
      out.push([newFk, Instruction.PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE])
      return out
    }
    if (newValue !== null) {
      const newFk = this.extract(record, newValue)
      if (newFk !== null) return [[newFk, Instruction.PROPAGATE_ONLY_IF_FK_VAL_AVAILABLE]]
    }
    return []
  }

  /** Foreign keys compare by their serialized bytes, as Kafka Streams. */
  private sameForeignKey(a: KO | null, b: KO): boolean {
    if (a === null) return false
    const topic = this.topics.foreignKey()
    const ab = this.foreignKeySerde.serialize(topic, a)
    const bb = this.foreignKeySerde.serialize(topic, b)
    return ab !== null && bb !== null && ab.equals(bb)
  }

  private hash(value: V | null): ValueHash | null {
    return valueHash(this.valueSerde, this.topics.valueHash(), value)
  }

  private forwardAll(record: Record<K, Change<V>>, hash: ValueHash | null, sends: [KO | null, Instruction][], from: number): void | Promise<void> {
    for (let i = from; i < sends.length; i++) {
      const [foreignKey, instruction] = sends[i]
      const wrapper: SubscriptionWrapper<K> = {
        hash,
        instruction,
        primaryKey: record.key,
        version: SUBSCRIPTION_WRAPPER_CURRENT_VERSION,
        primaryPartition: this.ctx.partition,
      }
      const r = this.ctx.forward({ key: foreignKey, value: wrapper, timestamp: record.timestamp, headers: record.headers })
      if (r instanceof Promise) return r.then(() => this.forwardAll(record, hash, sends, i + 1))
    }
  }
}
