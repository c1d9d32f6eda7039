import type { ValueAndTimestamp } from '../../../stores/key-value.js'
import type { Change } from '../../dsl/change.js'
import type { ValueGetter, ValueGetterSupplier } from '../../dsl/table-value-sources.js'
import type { InternalProcessorContext } from '../../internals/processor-node.js'
import type { Processor, ProcessorContext } from '../../processor/processor.js'
import type { Record } from '../../processor/record.js'
import type { CombinedKey } from './combined-key.js'
import { UnsupportedFkJoinVersionError } from './errors.js'
import type { SubscriptionResponseWrapper } from './subscription-response-wrapper.js'
import { Instruction, SUBSCRIPTION_WRAPPER_CURRENT_VERSION, type SubscriptionWrapper } from './subscription-wrapper.js'

/**
 * Kafka Streams' SubscriptionJoinProcessorSupplier: answers a subscription with the foreign table's
 * current value for its foreign key, as its instruction says, keyed by the primary key.
 */
export class SubscriptionJoinProcessor<K, KO, VO>
  implements Processor<CombinedKey<KO | null, K>, Change<ValueAndTimestamp<SubscriptionWrapper<K>>>, K, SubscriptionResponseWrapper<VO>>
{
  private ctx!: InternalProcessorContext<K, SubscriptionResponseWrapper<VO>>
  private foreignValues!: ValueGetter<KO, VO>

  constructor(private readonly foreignValueGetter: ValueGetterSupplier<KO, VO>) {}

  init(ctx: ProcessorContext<K, SubscriptionResponseWrapper<VO>>): void {
    this.ctx = ctx as InternalProcessorContext<K, SubscriptionResponseWrapper<VO>>
    this.foreignValues = this.foreignValueGetter.get(ctx)
  }

  async process(record: Record<CombinedKey<KO | null, K>, Change<ValueAndTimestamp<SubscriptionWrapper<K>>>>): Promise<void> {
    const subscription = record.value.newValue
    if (subscription === null) throw new Error('a foreign-key join subscription reached the join without a new value')
    const wrapper = subscription.value
    if (wrapper.version > SUBSCRIPTION_WRAPPER_CURRENT_VERSION) throw new UnsupportedFkJoinVersionError('SubscriptionWrapper', wrapper.version)
    const foreignKey = record.key.foreignKey
    const foreign = foreignKey === null ? null : await this.foreignValues(foreignKey)
    const timestamp = foreign === null ? subscription.timestamp : Math.max(subscription.timestamp, foreign.timestamp)
    let foreignValue: VO | null
    switch (wrapper.instruction) {
      case Instruction.DELETE_KEY_AND_PROPAGATE:
        foreignValue = null
        break
      case Instruction.PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE:
        // Sent for inner and left joins alike: the foreign key changed, so a previous result must be replaced.
        foreignValue = foreign === null ? null : foreign.value
        break
      case Instruction.PROPAGATE_ONLY_IF_FK_VAL_AVAILABLE:
        if (foreign === null) return
        foreignValue = foreign.value
        break
      case Instruction.DELETE_KEY_NO_PROPAGATE:
        return
      default:
        throw new Error(`Unhandled instruction: ${String(wrapper.instruction)}`)
    }
    await this.ctx.forward({
      key: record.key.primaryKey,
      value: { originalValueHash: wrapper.hash, foreignValue, version: 0, primaryPartition: wrapper.primaryPartition },
      timestamp,
      headers: record.headers,
    })
  }
}
