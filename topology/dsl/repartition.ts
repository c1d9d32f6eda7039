import type { InternalTopologyBuilder } from '../internals/internal-topology-builder.js'
import type { StreamPartitioner } from '../options/produced.js'
import type { AnySerde } from '../serdes/serde.js'
import { PassThroughProcessor } from './processors/stream-stateless.js'
import { INTERNAL_SERDE } from './internal-serde.js'

export const REPARTITION_TOPIC_SUFFIX = '-repartition'
const GENERATED_NAME = /^KSTREAM.*-[0-9]{10}$/

export interface RepartitionSpec {
  /** The topic name prefix: a user name (Grouped/Repartitioned) or a generated store/processor name. */
  prefix: string
  parent: string
  keySerde: AnySerde<any> | null
  valueSerde: AnySerde<any> | null
  partitioner?: StreamPartitioner<any, any> | null
  partitions?: number | null
}

/**
 * Routes a stream through `<prefix>-repartition` (the application id is prepended at run time):
 * filter → sink, and a new source that starts a new sub-topology. Node names follow Kafka
 * Streams: generated (sink, filter, source indexes are always consumed) unless the prefix is a
 * user's name, then `<topic>-filter`, `<topic>-sink`, `<topic>-source`. Returns the source name.
 */
export function createRepartitionedSource(builder: InternalTopologyBuilder, spec: RepartitionSpec): string {
  const topic = spec.prefix.endsWith(REPARTITION_TOPIC_SUFFIX) ? spec.prefix : spec.prefix + REPARTITION_TOPIC_SUFFIX
  const genSink = builder.newProcessorName('KSTREAM-SINK-')
  const genFilter = builder.newProcessorName('KSTREAM-FILTER-')
  const genSource = builder.newProcessorName('KSTREAM-SOURCE-')
  const generated = GENERATED_NAME.test(spec.prefix)
  const sinkName = generated ? genSink : `${topic}-sink`
  const filterName = generated ? genFilter : `${topic}-filter`
  const sourceName = generated ? genSource : `${topic}-source`
  const keySerde = spec.keySerde ?? INTERNAL_SERDE
  const valueSerde = spec.valueSerde ?? INTERNAL_SERDE
  builder.addProcessor(filterName, () => new PassThroughProcessor(), spec.parent)
  builder.addRepartitionTopic(topic, spec.partitions ?? null)
  builder.addSink(sinkName, topic, { keySerde, valueSerde, partitioner: spec.partitioner ?? null }, filterName)
  builder.addSource(sourceName, [topic], { keySerde, valueSerde })
  return sourceName
}
