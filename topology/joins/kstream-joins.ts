import type { Serde } from '../../stores/serde.js'
import { Stores } from '../../stores/stores.js'
import type { WindowBytesStoreSupplier } from '../../stores/store-supplier.js'
import type { GlobalKTable } from '../dsl/global-ktable.js'
import { KStream, requireFunction } from '../dsl/kstream.js'
import type { KTable } from '../dsl/ktable.js'
import { syncSerde } from '../dsl/materialize.js'
import { createRepartitionedSource } from '../dsl/repartition.js'
import { TopologyError } from '../internals/topology-error.js'
import { Joined } from '../options/joined.js'
import { StreamJoined } from '../options/stream-joined.js'
import { JoinWindows } from '../windows/join-windows.js'
import { PassThroughProcessor, StreamStreamJoin, type StreamJoiner } from './stream-stream-join.js'
import { StreamTableJoinProcessor } from './stream-table-join.js'
import { requireVersionedForGrace } from './versioned-table.js'
import { checkJoinGrace, graceBufferStoreName, streamTableJoinProcessor } from './versioned-join.js'

export type StreamJoinKind = 'inner' | 'left' | 'outer'

const BYTES: Serde<Buffer> = { serialize: (_t, d) => d, deserialize: (_t, d) => d }

/** A stream that needs repartitioning (a key-changing operator ran) is routed through a topic first. */
function repartitioned<K, V>(stream: KStream<K, V>, prefix: () => string): KStream<K, V> {
  if (!stream.repartitionRequired) return stream
  const source = createRepartitionedSource(stream.builder, { prefix: prefix(), parent: stream.name, keySerde: stream.keySerde, valueSerde: stream.valueSerde })
  return new KStream<K, V>(stream.builder, source, stream.keySerde, stream.valueSerde, new Set([source]), false)
}

function joinStoreSupplier(given: WindowBytesStoreSupplier | null, name: string, windows: JoinWindows): WindowBytesStoreSupplier {
  const size = windows.size()
  const retention = size + windows.graceMs
  // Stores expire windows starting at or before stream time - retention: with no time difference and
  // no grace, a retention of 0 would drop every record at once, so keep at least 1 ms.
  if (given === null) return Stores.persistentWindowStore(name, Math.max(1, retention), size, true)
  if (!given.retainDuplicates) throw new TopologyError(`stream-stream join store supplier ${given.name} must retain duplicates`)
  if (given.windowSize !== size || given.retentionPeriod !== retention) {
    throw new TopologyError(
      `stream-stream join store supplier ${given.name} has window size ${given.windowSize} and retention ${given.retentionPeriod}; ` +
        `${windows} needs window size ${size} and retention ${retention}`,
    )
  }
  return given
}

/**
 * KStream.join / leftJoin / outerJoin with another KStream (Kafka Streams' KStreamImplJoin): each side
 * goes through a WINDOWED node that stores it, then a join node that probes the other side's store;
 * both join nodes feed one MERGE node, the joined stream. Left/outer joins share an outer buffer
 * store so unmatched results wait for their window to close. Both inputs must be co-partitioned.
 */
export function streamStreamJoin<K, VL, VR, VOut>(
  left: KStream<K, VL>,
  right: KStream<K, VR>,
  joiner: StreamJoiner<K, VL, VR, VOut>,
  windows: JoinWindows,
  streamJoined: StreamJoined<K, VL, VR> | undefined,
  kind: StreamJoinKind,
): KStream<K, VOut> {
  const op = kind === 'inner' ? 'join' : kind === 'left' ? 'leftJoin' : 'outerJoin'
  if (!(right instanceof KStream)) throw new TypeError(`${op}: the other side must be a KStream, KTable or GlobalKTable`)
  requireFunction(joiner, op, 'value joiner')
  if (!(windows instanceof JoinWindows)) throw new TypeError(`${op}: a stream-stream join needs JoinWindows (JoinWindows.ofTimeDifferenceWithNoGrace(ms))`)
  if (streamJoined !== undefined && !(streamJoined instanceof StreamJoined)) throw new TypeError(`${op}: expected StreamJoined.with(...) options`)
  if (left.builder !== right.builder) throw new TopologyError(`${op}: both streams must come from the same StreamsBuilder`)
  const builder = left.builder
  const named = streamJoined?.name ?? null
  left = repartitioned(left, () => named !== null ? `${named}-left` : builder.newProcessorName('KSTREAM-JOINLEFT-'))
  right = repartitioned(right, () => named !== null ? `${named}-right` : builder.newProcessorName('KSTREAM-JOINRIGHT-'))

  const leftOuter = kind !== 'inner'
  const rightOuter = kind === 'outer'
  const thisWindowedName = named !== null ? `${named}-this-windowed` : builder.newProcessorName('KSTREAM-WINDOWED-')
  const otherWindowedName = named !== null ? `${named}-other-windowed` : builder.newProcessorName('KSTREAM-WINDOWED-')
  const thisGenerated = builder.newProcessorName(rightOuter ? 'KSTREAM-OUTERTHIS-' : 'KSTREAM-JOINTHIS-')
  const otherGenerated = builder.newProcessorName(leftOuter ? 'KSTREAM-OUTEROTHER-' : 'KSTREAM-JOINOTHER-')
  const thisSuffix = rightOuter ? '-outer-this-join' : '-this-join'
  const otherSuffix = leftOuter ? '-outer-other-join' : '-other-join'
  const joinThisName = named !== null ? named + thisSuffix : thisGenerated
  const joinOtherName = named !== null ? named + otherSuffix : otherGenerated
  const mergeName = named !== null ? `${named}-merge` : builder.newProcessorName('KSTREAM-MERGE-')

  const baseStore = streamJoined?.storeName ?? null
  const thisStoreName = streamJoined?.thisStoreSupplier?.name ?? (baseStore !== null ? baseStore + thisSuffix : thisGenerated) + '-store'
  const otherStoreName = streamJoined?.otherStoreSupplier?.name ?? (baseStore !== null ? baseStore + otherSuffix : otherGenerated) + '-store'
  if (thisStoreName === otherStoreName) throw new TopologyError(`${op}: both join stores are named ${thisStoreName}; store suppliers must have unique names`)
  let outerStoreName: string | null = null
  if (leftOuter) {
    const suffix = rightOuter ? '-outer-shared-join' : '-left-shared-join'
    const base = streamJoined?.thisStoreSupplier?.name ?? baseStore
    outerStoreName = (base !== null ? base + suffix : 'KSTREAM-OUTERSHARED-' + thisGenerated.slice(thisGenerated.length - 10)) + '-store'
  }

  const keySerde = syncSerde<K>(streamJoined?.keySerde ?? left.keySerde)
  const leftValueSerde = syncSerde<VL>(streamJoined?.valueSerde ?? left.valueSerde)
  const rightValueSerde = syncSerde<VR>(streamJoined?.otherValueSerde ?? right.valueSerde)
  const join = new StreamStreamJoin<K, VL, VR, VOut>({
    windows,
    joiner,
    leftOuter,
    rightOuter,
    leftStoreName: thisStoreName,
    rightStoreName: otherStoreName,
    outerStoreName,
    keySerde,
    leftValueSerde,
    rightValueSerde,
  })

  builder.addProcessor(thisWindowedName, () => join.windowProcessor<VL>('left'), left.name)
  builder.addProcessor(otherWindowedName, () => join.windowProcessor<VR>('right'), right.name)
  builder.addProcessor(joinThisName, () => join.leftProcessor(), thisWindowedName)
  builder.addProcessor(joinOtherName, () => join.rightProcessor(), otherWindowedName)
  builder.addProcessor(mergeName, () => new PassThroughProcessor(), joinThisName, joinOtherName)

  const logging = streamJoined?.loggingEnabled ?? true
  const logConfig = streamJoined?.logConfig ?? {}
  const storeFor = (supplier: WindowBytesStoreSupplier, valueSerde: Serde<any>) => {
    const b = Stores.windowStoreBuilder(supplier, keySerde, valueSerde)
    if (logging) b.withLoggingEnabled(logConfig)
    else b.withLoggingDisabled()
    return b
  }
  builder.addStateStore(storeFor(joinStoreSupplier(streamJoined?.thisStoreSupplier ?? null, thisStoreName, windows), leftValueSerde), thisWindowedName, joinOtherName)
  builder.addStateStore(storeFor(joinStoreSupplier(streamJoined?.otherStoreSupplier ?? null, otherStoreName, windows), rightValueSerde), otherWindowedName, joinThisName)
  if (outerStoreName !== null) {
    const outer = Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(outerStoreName), BYTES, BYTES).withCachingDisabled()
    if (logging) outer.withLoggingEnabled(logConfig)
    else outer.withLoggingDisabled()
    builder.addStateStore(outer, joinThisName, joinOtherName)
  }
  builder.copartitionSources([...left.sourceNodes, ...right.sourceNodes])
  return new KStream<K, VOut>(builder, mergeName, left.keySerde, null, new Set([...left.sourceNodes, ...right.sourceNodes]), false)
}

/**
 * KStream.join / leftJoin with a KTable: each stream record looks up the table's current value
 * (the table side never triggers output). Stream and table must be co-partitioned.
 */
export function streamTableJoin<K, V, VT, VOut>(
  stream: KStream<K, V>,
  table: KTable<K, VT>,
  joiner: (value: V, tableValue: VT | null, key: K) => VOut,
  joined: Joined<K, V, VT> | undefined,
  leftJoin: boolean,
): KStream<K, VOut> {
  const op = leftJoin ? 'leftJoin' : 'join'
  requireFunction(joiner, op, 'value joiner')
  if (joined !== undefined && !(joined instanceof Joined)) throw new TypeError(`${op}: expected Joined.with(...) options`)
  if (stream.builder !== table.builder) throw new TopologyError(`${op}: the stream and the table must come from the same StreamsBuilder`)
  const builder = stream.builder
  const joinedName = joined?.name ?? null
  stream = repartitioned(stream, () => joinedName !== null ? `${joinedName}-left` : builder.newProcessorName(leftJoin ? 'KSTREAM-LEFTJOIN-' : 'KSTREAM-JOIN-'))
  const name = joinedName ?? builder.newProcessorName(leftJoin ? 'KSTREAM-LEFTJOIN-' : 'KSTREAM-JOIN-')
  requireVersionedForGrace(table, joined?.gracePeriodMs ?? null, name)
  checkJoinGrace(table, joined)
  const getter = table.valueGetterSupplier()
  builder.addProcessor(name, streamTableJoinProcessor(builder, name, getter, joiner, leftJoin, joined, stream), stream.name)
  if (joined?.gracePeriodMs != null) builder.connectProcessorAndStateStores(name, graceBufferStoreName(name))
  if (getter.storeNames.length > 0) builder.connectProcessorAndStateStores(name, ...getter.storeNames)
  builder.copartitionSources([...stream.sourceNodes, ...table.sourceNodes])
  return new KStream<K, VOut>(builder, name, stream.keySerde, null, stream.sourceNodes, false)
}

/**
 * KStream.join / leftJoin with a GlobalKTable: `keyMapper` picks the table key of each record; the
 * table is fully replicated, so no co-partitioning or repartitioning is needed.
 */
export function streamGlobalTableJoin<K, V, GK, GV, VOut>(
  stream: KStream<K, V>,
  table: GlobalKTable<GK, GV>,
  keyMapper: (key: K, value: V) => GK,
  joiner: (value: V, tableValue: GV | null, key: K) => VOut,
  leftJoin: boolean,
): KStream<K, VOut> {
  const op = leftJoin ? 'leftJoin' : 'join'
  requireFunction(keyMapper, op, 'key mapper')
  requireFunction(joiner, op, 'value joiner')
  const builder = stream.builder
  const name = builder.newProcessorName(leftJoin ? 'KSTREAM-LEFTJOIN-' : 'KSTREAM-JOIN-')
  builder.addProcessor(name, () => new StreamTableJoinProcessor<K, V, GK, GV, VOut>(table.valueGetterSupplier(), keyMapper, joiner, leftJoin), stream.name)
  return new KStream<K, VOut>(builder, name, stream.keySerde, null, stream.sourceNodes, stream.repartitionRequired)
}
