import type { KeyValue, ValueAndTimestamp } from '../../../stores/key-value.js'
import type { TimestampedKeyValueStore } from '../../../stores/key-value-store.js'
import type { Change } from '../../dsl/change.js'
import type { InternalProcessorContext } from '../../internals/processor-node.js'
import type { Processor, ProcessorContext } from '../../processor/processor.js'
import type { Record } from '../../processor/record.js'
import { reportDroppedRecord } from '../../internals/dropped-records.js'
import { BytesSerde } from '../../serdes/primitive-serdes.js'
import type { CombinedKeySchema } from './combined-key.js'
import type { FkJoinPseudoTopics } from './pseudo-topics.js'
import type { SubscriptionResponseWrapper } from './subscription-response-wrapper.js'
import type { SubscriptionWrapper } from './subscription-wrapper.js'

const PREFIX_SERDE = new BytesSerde()

/**
 * Kafka Streams' ForeignTableJoinProcessorSupplier: an update of the foreign table finds every
 * primary key subscribed to its key (a prefix scan of the subscription store) and sends each one
 * the new foreign value, with the hash the subscription was made with.
 */
export class ForeignTableJoinProcessor<K, KO, VO> implements Processor<KO, Change<VO>, K, SubscriptionResponseWrapper<VO>> {
  private ctx!: InternalProcessorContext<K, SubscriptionResponseWrapper<VO>>
  private store!: TimestampedKeyValueStore<Buffer, SubscriptionWrapper<K>>

  constructor(
    private readonly storeName: string,
    private readonly keySchema: CombinedKeySchema<KO, K>,
    private readonly topics: FkJoinPseudoTopics,
  ) {}

  init(ctx: ProcessorContext<K, SubscriptionResponseWrapper<VO>>): void {
    this.ctx = ctx as InternalProcessorContext<K, SubscriptionResponseWrapper<VO>>
    this.topics.bind(ctx.applicationId)
    this.store = ctx.getStateStore(this.storeName) as unknown as TimestampedKeyValueStore<Buffer, SubscriptionWrapper<K>>
  }

  async process(record: Record<KO, Change<VO>>): Promise<void> {
    if (record.key === null || record.key === undefined) return // Kafka Streams drops a null key
    // KIP-914: an out-of-order version of a versioned table changes no join result
    if (record.value.isLatest === false) return reportDroppedRecord(this.ctx, 'an out-of-order record of a versioned table')
    const prefix = this.keySchema.prefixBytes(record.key)
    // Read the subscriptions first, then send: forwarding never runs inside the store's iterator.
    const subscriptions: KeyValue<Buffer, ValueAndTimestamp<SubscriptionWrapper<K>>>[] = []
    for await (const entry of this.store.prefixScan(prefix, PREFIX_SERDE)) subscriptions.push(entry)
    for (const { key, value } of subscriptions) {
      const { primaryKey } = this.keySchema.fromBytes(key)
      await this.ctx.forward({
        key: primaryKey,
        value: { originalValueHash: value.value.hash, foreignValue: record.value.newValue, version: 0, primaryPartition: value.value.primaryPartition },
        timestamp: record.timestamp,
        headers: record.headers,
      })
    }
  }
}
