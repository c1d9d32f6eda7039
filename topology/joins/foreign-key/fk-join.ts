import type { KTable as KTableType } from '../../dsl/ktable.js'
import { KTable } from '../../dsl/ktable.js'
import { requireFunction } from '../../dsl/kstream.js'
import { keyValueStoreBuilder, syncSerde, timestampedKeyValueStoreBuilder } from '../../dsl/materialize.js'
import { isVersionedMaterialized, tableSourceProcessor } from '../../dsl/versioned-table.js'
import type { TableSourceState } from '../../dsl/processors/table-processors.js'
import { SourceValueSource, type ValueGetterSupplier } from '../../dsl/table-value-sources.js'
import { TopologyError } from '../../internals/topology-error.js'
import { Materialized } from '../../options/materialized.js'
import type { StreamPartitioner } from '../../options/produced.js'
import { TableJoined } from '../../options/table-joined.js'
import { BytesSerde } from '../../serdes/primitive-serdes.js'
import type { AnySerde } from '../../serdes/serde.js'
import { CombinedKeySchema } from './combined-key.js'
import { ForeignTableJoinProcessor } from './foreign-table-join-processor.js'
import { FkJoinPseudoTopics } from './pseudo-topics.js'
import { ResponseJoinProcessor } from './response-join-processor.js'
import { SubscriptionJoinProcessor } from './subscription-join-processor.js'
import { SubscriptionReceiveProcessor } from './subscription-receive-processor.js'
import { SubscriptionResponseWrapperSerde, type SubscriptionResponseWrapper } from './subscription-response-wrapper.js'
import { SubscriptionSendProcessor, type ForeignKeyExtractor } from './subscription-send-processor.js'
import { SubscriptionWrapperSerde, type SubscriptionWrapper } from './subscription-wrapper.js'

// Kafka Streams' generated names (KTableImpl).
const FK_JOIN = 'KTABLE-FK-JOIN-'
const SUBSCRIPTION_STORE = FK_JOIN + 'SUBSCRIPTION-STATE-STORE-'
const SUBSCRIPTION_REGISTRATION = FK_JOIN + 'SUBSCRIPTION-REGISTRATION-'
const SUBSCRIPTION_RESPONSE = FK_JOIN + 'SUBSCRIPTION-RESPONSE-'
const SUBSCRIPTION_PROCESSOR = FK_JOIN + 'SUBSCRIPTION-PROCESSOR-'
const RESPONSE_RESOLVER = FK_JOIN + 'SUBSCRIPTION-RESPONSE-RESOLVER-PROCESSOR-'
const OUTPUT = FK_JOIN + 'OUTPUT-'
const TOPIC_SUFFIX = '-topic'

export type FkJoinArgs<K, VR, KO> = [TableJoined<K, KO> | Materialized<K, VR> | undefined, Materialized<K, VR> | undefined]

/** The optional arguments after the joiner: (TableJoined?, Materialized?) in either presence. */
function splitOptions<K, VR, KO>(op: string, [a, b]: FkJoinArgs<K, VR, KO>): { tableJoined: TableJoined<K, KO> | null; materialized: Materialized<K, VR> | undefined } {
  let tableJoined: TableJoined<K, KO> | null = null
  let materialized: Materialized<K, VR> | undefined
  for (const arg of [a, b]) {
    if (arg === undefined || arg === null) continue
    if (arg instanceof TableJoined && tableJoined === null && materialized === undefined) tableJoined = arg
    else if (arg instanceof Materialized && materialized === undefined) materialized = arg
    else throw new TypeError(`${op}: a foreign-key join takes (other, foreignKeyExtractor, joiner, TableJoined?, Materialized?)`)
  }
  return { tableJoined, materialized }
}

/**
 * KTable.join / leftJoin on a foreign key (KIP-213; Kafka Streams' KTableImpl.doJoinOnForeignKey):
 * the primary table registers each key with the foreign table's partition of its extracted foreign
 * key (`<app>-<name>-subscription-registration-topic`); the foreign side keeps registrations in the
 * subscription store and answers them, and every foreign update, through
 * `<app>-<name>-subscription-response-topic` back to the primary key's partition, where answers to
 * a value the key no longer has are dropped by hash. The tables need not be co-partitioned.
 */
export function foreignKeyJoin<K, V, KO, VO, VR>(
  left: KTableType<K, V>,
  other: KTableType<KO, VO>,
  extractor: ForeignKeyExtractor<K, V, KO>,
  joiner: (value: V | null, otherValue: VO | null) => VR,
  options: FkJoinArgs<K, VR, KO>,
  leftJoin: boolean,
): KTable<K, VR> {
  const op = leftJoin ? 'leftJoin' : 'join'
  if (!(other instanceof KTable)) throw new TypeError(`${op}: the other side of a foreign-key join must be a KTable`)
  requireFunction(extractor, op, 'foreign key extractor')
  requireFunction(joiner, op, 'value joiner')
  if (left.builder !== other.builder) throw new TopologyError(`${op}: both tables must come from the same StreamsBuilder`)
  const { tableJoined, materialized } = splitOptions<K, VR, KO>(op, options)
  const builder = left.builder
  const name = tableJoined?.name ?? null
  const nameOr = (suffix: string, prefix: string): string => (name !== null ? name + suffix : builder.newProcessorName(prefix))

  // Foreign old values spare needless scans; primary old values tell which foreign key to unsubscribe.
  other.enableSendingOldValues(true)
  left.enableSendingOldValues(true)

  const subscriptionTopic = nameOr('-subscription-registration', SUBSCRIPTION_REGISTRATION) + TOPIC_SUFFIX
  const topics = new FkJoinPseudoTopics(subscriptionTopic)
  builder.addRepartitionTopic(subscriptionTopic, null)

  // Serdes inside the wrappers, the store key and the value hash must answer synchronously.
  const primaryKeySerde = syncSerde(left.keySerde)
  const foreignKeySerde = syncSerde(other.keySerde)
  const primaryValueSerde = syncSerde(left.valueSerde)
  const wrapperSerde = new SubscriptionWrapperSerde<K>(primaryKeySerde, topics.primaryKey)
  const responseSerde = new SubscriptionResponseWrapperSerde<VO>(syncSerde(other.valueSerde))
  const keySchema = new CombinedKeySchema<KO, K>(foreignKeySerde, primaryKeySerde, topics.foreignKey, topics.primaryKey)

  const sendName = nameOr('-subscription-registration-processor', SUBSCRIPTION_REGISTRATION)
  builder.addProcessor(sendName, () => new SubscriptionSendProcessor<K, V, KO>(extractor, foreignKeySerde, primaryValueSerde, topics, leftJoin), left.name)

  const otherPartitioner = tableJoined?.otherPartitioner ?? null
  const subscriptionPartitioner: StreamPartitioner<KO, SubscriptionWrapper<K>> | null =
    otherPartitioner === null ? null : (topic, key, _value, n) => otherPartitioner(topic, key, null, n)
  // Keys travel with the tables' own serdes (or the application's defaults), so the subscription
  // topic is partitioned like the foreign table's topic.
  const subscriptionSink = nameOr('-subscription-registration-sink', 'KSTREAM-SINK-')
  builder.addSink(subscriptionSink, subscriptionTopic, { keySerde: other.keySerde, valueSerde: wrapperSerde, partitioner: subscriptionPartitioner }, sendName)
  const subscriptionSource = nameOr('-subscription-registration-source', 'KSTREAM-SOURCE-')
  builder.addSource(subscriptionSource, [subscriptionTopic], { keySerde: other.keySerde, valueSerde: wrapperSerde })
  builder.copartitionSources([...other.sourceNodes, subscriptionSource])

  const storeName = nameOr('-subscription-store', SUBSCRIPTION_STORE)
  const receiveName = nameOr('-subscription-receive', SUBSCRIPTION_PROCESSOR)
  builder.addProcessor(receiveName, () => new SubscriptionReceiveProcessor<K, KO>(storeName, keySchema, topics), subscriptionSource)
  // As Kafka Streams: never cached (every subscription must reach the scan at once), changelogged.
  builder.addStateStore(
    timestampedKeyValueStoreBuilder(storeName, Materialized.with(null, null).withCachingDisabled(), new BytesSerde(), wrapperSerde as AnySerde<SubscriptionWrapper<K>>),
    receiveName,
  )

  const foreignGetter = other.valueGetterSupplier() as ValueGetterSupplier<KO, VO>
  const joinForeignName = nameOr('-subscription-join-foreign', SUBSCRIPTION_PROCESSOR)
  builder.addProcessor(joinForeignName, () => new SubscriptionJoinProcessor<K, KO, VO>(foreignGetter), receiveName)
  if (foreignGetter.storeNames.length > 0) builder.connectProcessorAndStateStores(joinForeignName, ...foreignGetter.storeNames)

  const foreignTableJoinName = nameOr('-foreign-join-subscription', SUBSCRIPTION_PROCESSOR)
  builder.addProcessor(foreignTableJoinName, () => new ForeignTableJoinProcessor<K, KO, VO>(storeName, keySchema, topics), other.name)
  builder.connectProcessorAndStateStores(foreignTableJoinName, storeName)

  const responseTopic = nameOr('-subscription-response', SUBSCRIPTION_RESPONSE) + TOPIC_SUFFIX
  builder.addRepartitionTopic(responseTopic, null)
  const partitioner = tableJoined?.partitioner ?? null
  // Responses go back to the partition the subscription came from, unless the user partitions the primary table.
  const responsePartitioner: StreamPartitioner<K, SubscriptionResponseWrapper<VO>> =
    partitioner === null ? (_topic, _key, value) => value?.primaryPartition ?? undefined : (topic, key, _value, n) => partitioner(topic, key, null, n)
  const responseSink = nameOr('-subscription-response-sink', 'KSTREAM-SINK-')
  builder.addSink(responseSink, responseTopic, { keySerde: left.keySerde, valueSerde: responseSerde, partitioner: responsePartitioner }, joinForeignName, foreignTableJoinName)
  const responseSource = nameOr('-subscription-response-source', 'KSTREAM-SOURCE-')
  builder.addSource(responseSource, [responseTopic], { keySerde: left.keySerde, valueSerde: responseSerde })
  const resultSources = new Set([...left.sourceNodes, responseSource])
  builder.copartitionSources(resultSources)

  const primaryGetter = left.valueGetterSupplier() as ValueGetterSupplier<K, V>
  const resolverName = nameOr('-subscription-response-resolver', RESPONSE_RESOLVER)
  builder.addProcessor(resolverName, () => new ResponseJoinProcessor<K, V, VO, VR>(primaryGetter, primaryValueSerde, topics, joiner, leftJoin), responseSource)
  if (primaryGetter.storeNames.length > 0) builder.connectProcessorAndStateStores(resolverName, ...primaryGetter.storeNames)

  // The result is a table source over the resolved joins: materialized when named or when a downstream operator needs it.
  const resultName = nameOr('-result', OUTPUT)
  const resultStore = materialized?.storeName ?? builder.newStoreName(OUTPUT)
  const keySerde = (materialized?.keySerde as AnySerde<K> | null) ?? left.keySerde
  const valueSerde = (materialized?.valueSerde as AnySerde<VR> | null) ?? null
  // a versioned Materialized makes the result a versioned table (KIP-914)
  const state: TableSourceState = { storeName: resultStore, materialized: false, sendOldValues: false, versioned: isVersionedMaterialized(materialized) }
  builder.addProcessor(resultName, () => tableSourceProcessor<K, VR>(state, resultName), resolverName)
  const valueSource = new SourceValueSource<K, VR>(builder, resultName, state, () => keyValueStoreBuilder(resultStore, materialized, keySerde, valueSerde))
  const queryable = materialized?.storeName ? resultStore : null
  if (queryable !== null) valueSource.materialize()
  return new KTable<K, VR>(builder, resultName, keySerde, valueSerde, resultSources, queryable, valueSource)
}
