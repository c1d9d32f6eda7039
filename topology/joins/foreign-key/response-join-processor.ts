import type { Serde } from '../../../stores/serde.js'
import type { ValueGetter, ValueGetterSupplier } from '../../dsl/table-value-sources.js'
import type { InternalProcessorContext } from '../../internals/processor-node.js'
import type { Processor, ProcessorContext } from '../../processor/processor.js'
import type { Record } from '../../processor/record.js'
import { UnsupportedFkJoinVersionError } from './errors.js'
import type { FkJoinPseudoTopics } from './pseudo-topics.js'
import { SUBSCRIPTION_RESPONSE_CURRENT_VERSION, type SubscriptionResponseWrapper } from './subscription-response-wrapper.js'
import { hashesEqual } from './subscription-wrapper.js'
import { valueHash } from './value-hash.js'

/**
 * Kafka Streams' ResponseJoinProcessorSupplier, back on the primary table's side: drops a response
 * whose hash is not the hash of the primary key's current value (it answers an older value, e.g.
 * after a quick change of foreign key), joins the rest, and emits tombstones by inner/left rules.
 */
export class ResponseJoinProcessor<K, V, VO, VR> implements Processor<K, SubscriptionResponseWrapper<VO>, K, VR | null> {
  private ctx!: InternalProcessorContext<K, VR | null>
  private values!: ValueGetter<K, V>

  constructor(
    private readonly valueGetter: ValueGetterSupplier<K, V>,
    private readonly valueSerde: Serde<V>,
    private readonly topics: FkJoinPseudoTopics,
    private readonly joiner: (value: V | null, foreignValue: VO | null) => VR,
    private readonly leftJoin: boolean,
  ) {}

  init(ctx: ProcessorContext<K, VR | null>): void {
    this.ctx = ctx as InternalProcessorContext<K, VR | null>
    this.topics.bind(ctx.applicationId)
    this.values = this.valueGetter.get(ctx)
  }

  async process(record: Record<K, SubscriptionResponseWrapper<VO>>): Promise<void> {
    const response = record.value
    if (response.version !== SUBSCRIPTION_RESPONSE_CURRENT_VERSION) throw new UnsupportedFkJoinVersionError('SubscriptionResponseWrapper', response.version)
    const current = await this.values(record.key)
    const currentHash = valueHash(this.valueSerde, this.topics.valueHash(), current === null ? null : current.value)
    if (!hashesEqual(response.originalValueHash, currentHash)) return // stale: answers a value the key no longer has
    const result =
      response.foreignValue === null && (!this.leftJoin || current === null)
        ? null
        : this.joiner(current === null ? null : current.value, response.foreignValue)
    await this.ctx.forward({ key: record.key, value: result, timestamp: record.timestamp, headers: record.headers })
  }
}
