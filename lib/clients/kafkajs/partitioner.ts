import { Partitioners, type ICustomPartitioner, type PartitionerArgs } from 'kafkajs'

/**
 * kafkajs's partitioner for the runtime's producers. Sinks resolve the partition of nearly every
 * record themselves, and kafkajs's default partitioner filters the topic's partition metadata for
 * every message before even looking at it; this one returns the record's partition straight away
 * and only hands records sent with DEFAULT_PARTITION (no partition) to kafkajs's default, which
 * hashes the key with murmur2 as Kafka's Java producer does.
 */
export const streamsPartitioner: ICustomPartitioner = () => {
  let byKey: ((args: PartitionerArgs) => number) | null = null
  return args => {
    const p = args.message.partition
    if (p !== undefined && p !== null) return p
    byKey ??= Partitioners.DefaultPartitioner()
    return byKey(args)
  }
}
