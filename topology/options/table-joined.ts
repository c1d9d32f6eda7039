import { validateName } from './named.js'
import type { StreamPartitioner } from './produced.js'

/**
 * Options of a foreign-key table-table join (Kafka Streams' TableJoined): the partitioners of the
 * primary table (`partitioner`, for responses) and of the foreign table (`otherPartitioner`, for
 * subscriptions) when their topics are not partitioned by the default partitioner, and the name
 * its processors, store and internal topics are derived from. Partitioners see a null value.
 */
export class TableJoined<K = any, KO = any> {
  private constructor(
    /** places responses on the primary table's partitions (null: back where the subscription came from) */
    readonly partitioner: StreamPartitioner<K, void> | null,
    /** places subscriptions on the other table's partitions (null: the default partitioner) */
    readonly otherPartitioner: StreamPartitioner<KO, void> | null,
    /** the base of the join's processor, store and topic names (null: generated) */
    readonly name: string | null,
  ) {}

  /** Partitioners of the primary table's topic and of the other (foreign-key) table's topic; null = the default. */
  static with<K, KO>(partitioner: StreamPartitioner<K, void> | null, otherPartitioner: StreamPartitioner<KO, void> | null): TableJoined<K, KO> {
    return new TableJoined<K, KO>(checkPartitioner(partitioner, 'TableJoined.with'), checkPartitioner(otherPartitioner, 'TableJoined.with'), null)
  }

  /** Names the join: `<name>-subscription-registration-topic`, `<name>-subscription-store`, ... */
  static as<K = any, KO = any>(name: string): TableJoined<K, KO> {
    return new TableJoined<K, KO>(null, null, validateName(name, 'TableJoined.as'))
  }

  /** Where responses go: must partition like the primary table's topic. */
  withPartitioner(partitioner: StreamPartitioner<K, void> | null): TableJoined<K, KO> {
    return new TableJoined(checkPartitioner(partitioner, 'TableJoined.withPartitioner'), this.otherPartitioner, this.name)
  }

  /** Where subscriptions go: must partition like the other table's topic. */
  withOtherPartitioner(otherPartitioner: StreamPartitioner<KO, void> | null): TableJoined<K, KO> {
    return new TableJoined(this.partitioner, checkPartitioner(otherPartitioner, 'TableJoined.withOtherPartitioner'), this.name)
  }

  /** As `TableJoined.as(name)`, keeping the partitioners. */
  withName(name: string): TableJoined<K, KO> {
    return new TableJoined(this.partitioner, this.otherPartitioner, validateName(name, 'TableJoined.withName'))
  }
}

function checkPartitioner<T>(partitioner: T | null | undefined, where: string): T | null {
  if (partitioner === null || partitioner === undefined) return null
  if (typeof partitioner !== 'function') throw new TypeError(`${where}: a partitioner must be a function (topic, key, value, numPartitions) => partition`)
  return partitioner
}
