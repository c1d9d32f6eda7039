import type { ValueAndTimestamp } from '../../../stores/key-value.js'
import type { TimestampedKeyValueStore } from '../../../stores/key-value-store.js'
import type { Change } from '../../dsl/change.js'
import type { InternalProcessorContext } from '../../internals/processor-node.js'
import type { Processor, ProcessorContext } from '../../processor/processor.js'
import type { Record } from '../../processor/record.js'
import type { CombinedKey, CombinedKeySchema } from './combined-key.js'
import type { FkJoinPseudoTopics } from './pseudo-topics.js'
import { Instruction, SUBSCRIPTION_WRAPPER_CURRENT_VERSION, type SubscriptionWrapper } from './subscription-wrapper.js'
import { UnsupportedFkJoinVersionError } from './errors.js'

type SubscriptionChange<K> = Change<ValueAndTimestamp<SubscriptionWrapper<K>>>

/**
 * Kafka Streams' SubscriptionReceiveProcessorSupplier, on the foreign table's side: keeps each
 * (foreign key, primary key) subscription in the subscription store (deleted on unsubscribe) and
 * passes it on keyed by the combined key.
 */
export class SubscriptionReceiveProcessor<K, KO> implements Processor<KO | null, SubscriptionWrapper<K>, CombinedKey<KO | null, K>, SubscriptionChange<K>> {
  private ctx!: InternalProcessorContext<CombinedKey<KO | null, K>, SubscriptionChange<K>>
  private store!: TimestampedKeyValueStore<Buffer, SubscriptionWrapper<K>>

  constructor(
    private readonly storeName: string,
    private readonly keySchema: CombinedKeySchema<KO, K>,
    private readonly topics: FkJoinPseudoTopics,
  ) {}

  init(ctx: ProcessorContext<CombinedKey<KO | null, K>, SubscriptionChange<K>>): void {
    this.ctx = ctx as InternalProcessorContext<CombinedKey<KO | null, K>, SubscriptionChange<K>>
    this.topics.bind(ctx.applicationId)
    this.store = ctx.getStateStore(this.storeName) as unknown as TimestampedKeyValueStore<Buffer, SubscriptionWrapper<K>>
  }

  async process(record: Record<KO | null, SubscriptionWrapper<K>>): Promise<void> {
    const wrapper = record.value
    if (wrapper === null || wrapper === undefined) return
    const foreignKey = record.key ?? null
    // Only a left join's "no foreign key any more" goes on without a foreign key (Kafka Streams drops the rest).
    if (foreignKey === null && wrapper.instruction !== Instruction.PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE) return
    if (wrapper.version > SUBSCRIPTION_WRAPPER_CURRENT_VERSION) throw new UnsupportedFkJoinVersionError('SubscriptionWrapper', wrapper.version)
    const newValue = { value: wrapper, timestamp: record.timestamp }
    let oldValue: ValueAndTimestamp<SubscriptionWrapper<K>> | null = null
    if (foreignKey !== null) {
      const storeKey = this.keySchema.toBytes(foreignKey, wrapper.primaryKey)
      oldValue = await this.store.get(storeKey)
      if (wrapper.instruction === Instruction.DELETE_KEY_AND_PROPAGATE || wrapper.instruction === Instruction.DELETE_KEY_NO_PROPAGATE) {
        await this.store.delete(storeKey)
      } else {
        await this.store.put(storeKey, newValue)
      }
    }
    await this.ctx.forward({
      key: { foreignKey, primaryKey: wrapper.primaryKey },
      value: { newValue, oldValue },
      timestamp: record.timestamp,
      headers: record.headers,
    })
  }
}
