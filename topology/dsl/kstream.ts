import type { KeyValue } from '../../stores/key-value.js'
import type { InternalTopologyBuilder } from '../internals/internal-topology-builder.js'
import type { TopicNameExtractor } from '../internals/node-defs.js'
import type { Grouped } from '../options/grouped.js'
import type { Materialized } from '../options/materialized.js'
import { Named } from '../options/named.js'
import type { Produced } from '../options/produced.js'
import type { Repartitioned } from '../options/repartitioned.js'
import type { ProcessorSupplier } from '../processor/processor.js'
import type { FixedKeyProcessorSupplier } from '../processor/fixed-key.js'
import { Printed } from '../options/printed.js'
import type { AnySerde } from '../serdes/serde.js'
import { BranchedKStream } from './branched-kstream.js'
import { KGroupedStream } from './kgrouped-stream.js'
import { KTable } from './ktable.js'
import { createRepartitionedSource } from './repartition.js'
import {
  FilterProcessor,
  FlatMapProcessor,
  FlatMapValuesProcessor,
  MapProcessor,
  MapValuesProcessor,
  PassThroughProcessor,
  PeekProcessor,
  SelectKeyProcessor,
} from './processors/stream-stateless.js'
import { FixedKeyProcessorAdapter } from './processors/fixed-key-adapter.js'
import { PrintProcessor } from './processors/print-processor.js'
import { AsyncMapValuesProcessor, type AsyncMapValuesOptions } from './processors/async-map-values.js'
import type { TableSourceState } from './processors/table-processors.js'
import { SourceValueSource } from './table-value-sources.js'
import { isVersionedMaterialized, tableSourceProcessor } from './versioned-table.js'
import { keyValueStoreBuilder } from './materialize.js'
import type { GlobalKTable } from './global-ktable.js'
import type { Joined } from '../options/joined.js'
import type { StreamJoined } from '../options/stream-joined.js'
import type { JoinWindows } from '../windows/join-windows.js'
import { joinStream } from '../joins/join-dispatch.js'

export function nameOf(named: Named | undefined | null, builder: InternalTopologyBuilder, prefix: string): string {
  return named?.name ?? builder.newProcessorName(prefix)
}

/**
 * The type of a stream's keys or values without the null that Kafka allows in any record: a
 * `KStream<K, V>` carries values of type V or null (a tombstone), so a mapper returning `V | null`
 * gives a `KStream<K, V>` again.
 */
export type NonNull<T> = Exclude<T, null>

/**
 * A record stream. Its values are `V` or null: Kafka records may carry a null value (a tombstone,
 * or a table's delete after `KTable.toStream()`), and every stateless operator passes it on, so
 * their lambdas take `V | null`, as in Kafka Streams. Joins and aggregations skip null values, so
 * their joiners and aggregators take `V`. Operators add processors to the topology and return new streams; key-changing
 * operators (map, flatMap, selectKey) mark the result for repartitioning before a grouping.
 */
export class KStream<K = unknown, V = unknown> {
  /** @internal Built by the DSL (StreamsBuilder and the operators), never by users. */
  constructor(
    /** @internal */ readonly builder: InternalTopologyBuilder,
    /** the node whose output this stream is */
    readonly name: string,
    readonly keySerde: AnySerde<K> | null,
    readonly valueSerde: AnySerde<V> | null,
    /** the source nodes upstream in this sub-topology (co-partitioning) */
    readonly sourceNodes: ReadonlySet<string>,
    /** a key-changing operator ran since the last repartition */
    readonly repartitionRequired: boolean,
  ) {}

  protected derive<KR, VR>(name: string, keySerde: AnySerde<KR> | null, valueSerde: AnySerde<VR> | null, repartitionRequired: boolean): KStream<KR, VR> {
    return new KStream<KR, VR>(this.builder, name, keySerde, valueSerde, this.sourceNodes, repartitionRequired)
  }

  filter(predicate: (key: K, value: V | null) => boolean, named?: Named): KStream<K, V> {
    requireFunction(predicate, 'filter', 'predicate')
    const name = nameOf(named, this.builder, 'KSTREAM-FILTER-')
    this.builder.addProcessor(name, () => new FilterProcessor(predicate, false), this.name)
    return this.derive(name, this.keySerde, this.valueSerde, this.repartitionRequired)
  }

  filterNot(predicate: (key: K, value: V | null) => boolean, named?: Named): KStream<K, V> {
    requireFunction(predicate, 'filterNot', 'predicate')
    const name = nameOf(named, this.builder, 'KSTREAM-FILTER-')
    this.builder.addProcessor(name, () => new FilterProcessor(predicate, true), this.name)
    return this.derive(name, this.keySerde, this.valueSerde, this.repartitionRequired)
  }

  map<KR, VR>(mapper: (key: K, value: V | null) => KeyValue<KR, VR>, named?: Named): KStream<NonNull<KR>, NonNull<VR>> {
    requireFunction(mapper, 'map', 'mapper')
    const name = nameOf(named, this.builder, 'KSTREAM-MAP-')
    this.builder.addProcessor(name, () => new MapProcessor(mapper, name), this.name)
    return this.derive<NonNull<KR>, NonNull<VR>>(name, null, null, true)
  }

  mapValues<VR>(mapper: (value: V | null, key: K) => VR, named?: Named): KStream<K, NonNull<VR>> {
    requireFunction(mapper, 'mapValues', 'mapper')
    const name = nameOf(named, this.builder, 'KSTREAM-MAPVALUES-')
    this.builder.addProcessor(name, () => new MapValuesProcessor(mapper), this.name)
    return this.derive<K, NonNull<VR>>(name, this.keySerde, null, this.repartitionRequired)
  }

  /**
   * Beyond Kafka Streams: maps values with an async function (a lookup, an HTTP call) with up to
   * `concurrency` calls in flight. Output keeps input order; calls for one key run in order; a
   * commit waits for every call in flight.
   */
  mapValuesAsync<VR>(mapper: (value: V | null, key: K) => Promise<VR> | VR, options: AsyncMapValuesOptions = {}, named?: Named): KStream<K, NonNull<VR>> {
    requireFunction(mapper, 'mapValuesAsync', 'mapper')
    new AsyncMapValuesProcessor(mapper, options, 'check') // validates the options now, not at run time
    const name = nameOf(named, this.builder, 'KSTREAM-MAPVALUES-ASYNC-')
    this.builder.addProcessor(name, () => new AsyncMapValuesProcessor(mapper, options, name), this.name)
    return this.derive<K, NonNull<VR>>(name, this.keySerde, null, this.repartitionRequired)
  }

  flatMap<KR, VR>(mapper: (key: K, value: V | null) => Iterable<KeyValue<KR, VR>>, named?: Named): KStream<NonNull<KR>, NonNull<VR>> {
    requireFunction(mapper, 'flatMap', 'mapper')
    const name = nameOf(named, this.builder, 'KSTREAM-FLATMAP-')
    this.builder.addProcessor(name, () => new FlatMapProcessor(mapper, name), this.name)
    return this.derive<NonNull<KR>, NonNull<VR>>(name, null, null, true)
  }

  flatMapValues<VR>(mapper: (value: V | null, key: K) => Iterable<VR>, named?: Named): KStream<K, NonNull<VR>> {
    requireFunction(mapper, 'flatMapValues', 'mapper')
    const name = nameOf(named, this.builder, 'KSTREAM-FLATMAPVALUES-')
    this.builder.addProcessor(name, () => new FlatMapValuesProcessor(mapper, name), this.name)
    return this.derive<K, NonNull<VR>>(name, this.keySerde, null, this.repartitionRequired)
  }

  selectKey<KR>(selector: (key: K, value: V | null) => KR, named?: Named): KStream<NonNull<KR>, V> {
    requireFunction(selector, 'selectKey', 'selector')
    const name = nameOf(named, this.builder, 'KSTREAM-KEY-SELECT-')
    this.builder.addProcessor(name, () => new SelectKeyProcessor(selector), this.name)
    return this.derive<NonNull<KR>, V>(name, null, this.valueSerde, true)
  }

  peek(action: (key: K, value: V | null) => void, named?: Named): KStream<K, V> {
    requireFunction(action, 'peek', 'action')
    const name = nameOf(named, this.builder, 'KSTREAM-PEEK-')
    this.builder.addProcessor(name, () => new PeekProcessor(action, true), this.name)
    return this.derive(name, this.keySerde, this.valueSerde, this.repartitionRequired)
  }

  foreach(action: (key: K, value: V | null) => void, named?: Named): void {
    requireFunction(action, 'foreach', 'action')
    const name = nameOf(named, this.builder, 'KSTREAM-FOREACH-')
    this.builder.addProcessor(name, () => new PeekProcessor(action, false), this.name)
  }

  merge(other: KStream<K, V>, named?: Named): KStream<K, V> {
    if (!(other instanceof KStream)) throw new TypeError('merge: other must be a KStream')
    if (other.builder !== this.builder) throw new TypeError('merge: both streams must come from the same StreamsBuilder')
    const name = nameOf(named, this.builder, 'KSTREAM-MERGE-')
    this.builder.addProcessor(name, () => new PassThroughProcessor(), this.name, other.name)
    const sources = new Set([...this.sourceNodes, ...other.sourceNodes])
    return new KStream<K, V>(this.builder, name, null, null, sources, this.repartitionRequired || other.repartitionRequired)
  }

  /** Starts a split; add branches with `branch(predicate, Branched.as(name))`, finish with `defaultBranch()` or `noDefaultBranch()`. */
  split(named?: Named): BranchedKStream<K, V> {
    const name = nameOf(named, this.builder, 'KSTREAM-BRANCH-')
    return new BranchedKStream(this, name)
  }

  to(topic: string | TopicNameExtractor<K, V>, produced?: Produced<K, V>): void {
    if (typeof topic !== 'string' && typeof topic !== 'function') throw new TypeError('to: expected a topic name or a topic name extractor')
    const name = produced?.processorName ?? this.builder.newProcessorName('KSTREAM-SINK-')
    this.builder.addSink(
      name,
      topic,
      { keySerde: produced?.keySerde ?? this.keySerde, valueSerde: produced?.valueSerde ?? this.valueSerde, partitioner: produced?.partitioner ?? null },
      this.name,
    )
  }

  /** Writes the stream through `<applicationId>-<name>-repartition` and reads it back (new sub-topology). */
  repartition(repartitioned?: Repartitioned<K, V>): KStream<K, V> {
    const name = repartitioned?.name ?? this.builder.newProcessorName('KSTREAM-REPARTITION-')
    const keySerde = repartitioned?.keySerde ?? this.keySerde
    const valueSerde = repartitioned?.valueSerde ?? this.valueSerde
    const sourceName = createRepartitionedSource(this.builder, {
      prefix: name,
      parent: this.name,
      keySerde,
      valueSerde,
      partitioner: repartitioned?.partitioner ?? null,
      partitions: repartitioned?.numberOfPartitions ?? null,
    })
    return new KStream<K, V>(this.builder, sourceName, keySerde, valueSerde, new Set([sourceName]), false)
  }

  /**
   * `process(() => processor, ...storeNames)`: a Processor API node in the DSL; its forwarded
   * records form the returned stream. A `Named` may be passed before the store names. The
   * processor may change keys, so the result is marked for repartitioning, as in Kafka Streams;
   * use `processValues` when keys stay.
   */
  process<KOut = K, VOut = V>(supplier: ProcessorSupplier<K, V | null, KOut, VOut>, ...storeNamesOrNamed: (string | Named)[]): KStream<NonNull<KOut>, NonNull<VOut>> {
    requireFunction(supplier, 'process', 'processor supplier')
    const name = this.addProcessorNode('process', 'KSTREAM-PROCESSOR-', supplier, storeNamesOrNamed)
    return this.derive<NonNull<KOut>, NonNull<VOut>>(name, null, null, true)
  }

  /**
   * `processValues(() => fixedKeyProcessor, ...storeNames)` (Kafka Streams 3.3+): a Processor API
   * node that may change values, timestamps and headers but not keys (it forwards
   * `record.withValue(...)`), so no repartitioning is marked and the key serde is kept.
   */
  processValues<VOut = V>(supplier: FixedKeyProcessorSupplier<K, V | null, VOut>, ...storeNamesOrNamed: (string | Named)[]): KStream<K, NonNull<VOut>> {
    requireFunction(supplier, 'processValues', 'processor supplier')
    const adapted: ProcessorSupplier<K, V | null, K, VOut> = () => new FixedKeyProcessorAdapter(supplier())
    const name = this.addProcessorNode('processValues', 'KSTREAM-PROCESSVALUES-', adapted, storeNamesOrNamed)
    return this.derive<K, NonNull<VOut>>(name, this.keySerde, null, this.repartitionRequired)
  }

  private addProcessorNode(operation: string, prefix: string, supplier: ProcessorSupplier<any, any, any, any>, storeNamesOrNamed: (string | Named)[]): string {
    let named: Named | undefined
    const stores: string[] = []
    for (const s of storeNamesOrNamed) {
      if (s instanceof Named) named = s
      else if (typeof s === 'string') stores.push(s)
      else throw new TypeError(`${operation}: expected store names (strings) or a Named, got ${s === null ? 'null' : typeof s}`)
    }
    const name = nameOf(named, this.builder, prefix)
    this.builder.addProcessor(name, supplier, this.name).userCode = true
    if (stores.length > 0) this.builder.connectProcessorAndStateStores(name, ...stores)
    return name
  }

  /** Prints every record as `[label]: key, value` (a debugging aid, as Kafka Streams' `print(Printed)`). */
  print(printed: Printed<K, V>): void {
    if (!(printed instanceof Printed)) throw new TypeError('print: expected a Printed (Printed.toSysOut() or Printed.toFile(path))')
    const name = printed.processorName ?? this.builder.newProcessorName('KSTREAM-PRINTER-')
    const label = printed.label ?? this.name
    this.builder.addProcessor(name, () => new PrintProcessor<K, V>(printed.target, label, printed.mapper), this.name)
  }

  toTable(materialized?: Materialized<K, V>, named?: Named): KTable<K, V> {
    const builder = this.builder
    const name = nameOf(named, builder, 'KSTREAM-TOTABLE-')
    const storeName = materialized?.storeName ?? builder.newStoreName('KSTREAM-TOTABLE-')
    const keySerde = (materialized?.keySerde as AnySerde<K> | null) ?? this.keySerde
    const valueSerde = (materialized?.valueSerde as AnySerde<V> | null) ?? this.valueSerde
    let parent = this.name
    let sources = this.sourceNodes
    if (this.repartitionRequired) {
      parent = createRepartitionedSource(builder, { prefix: name, parent: this.name, keySerde, valueSerde })
      sources = new Set([parent])
    }
    const state: TableSourceState = { storeName, materialized: false, sendOldValues: false, versioned: isVersionedMaterialized(materialized) }
    builder.addProcessor(name, () => tableSourceProcessor<K, V>(state, name), parent)
    const valueSource = new SourceValueSource<K, V>(builder, name, state, () => keyValueStoreBuilder(storeName, materialized, keySerde, valueSerde))
    const queryable = materialized?.storeName ? storeName : null
    if (queryable) valueSource.materialize()
    return new KTable<K, V>(builder, name, keySerde, valueSerde, sources, queryable, valueSource)
  }

  groupByKey(grouped?: Grouped<K, V>): KGroupedStream<K, V> {
    return new KGroupedStream<K, V>(
      this.builder,
      this.name,
      grouped?.keySerde ?? this.keySerde,
      grouped?.valueSerde ?? this.valueSerde,
      this.sourceNodes,
      this.repartitionRequired,
      grouped?.name ?? null,
    )
  }

  groupBy<KR>(selector: (key: K, value: V | null) => KR, grouped?: Grouped<NonNull<KR>, V>): KGroupedStream<NonNull<KR>, V> {
    requireFunction(selector, 'groupBy', 'key selector')
    const name = grouped?.name ?? this.builder.newProcessorName('KSTREAM-KEY-SELECT-')
    this.builder.addProcessor(name, () => new SelectKeyProcessor(selector), this.name)
    return new KGroupedStream<NonNull<KR>, V>(
      this.builder,
      name,
      grouped?.keySerde ?? null,
      grouped?.valueSerde ?? this.valueSerde,
      this.sourceNodes,
      true,
      grouped?.name ?? null,
    )
  }

  /** Joins (topology/joins): with a KStream within JoinWindows, with a KTable, or with a GlobalKTable. */
  join<VO, VR>(other: KStream<K, VO>, joiner: (value: V, otherValue: VO, key: K) => VR, windows: JoinWindows, streamJoined?: StreamJoined<K, V, VO>): KStream<K, VR>
  join<VT, VR>(table: KTable<K, VT>, joiner: (value: V, tableValue: VT, key: K) => VR, joined?: Joined<K, V, VT>): KStream<K, VR>
  join<GK, GV, VR>(globalTable: GlobalKTable<GK, GV>, keyMapper: (key: K, value: V) => GK, joiner: (value: V, globalValue: GV, key: K) => VR): KStream<K, VR>
  join(other: unknown, a: unknown, b?: unknown, c?: unknown): KStream<K, any> {
    return joinStream(this, 'inner', other, a, b, c)
  }

  leftJoin<VO, VR>(other: KStream<K, VO>, joiner: (value: V, otherValue: VO | null, key: K) => VR, windows: JoinWindows, streamJoined?: StreamJoined<K, V, VO>): KStream<K, VR>
  leftJoin<VT, VR>(table: KTable<K, VT>, joiner: (value: V, tableValue: VT | null, key: K) => VR, joined?: Joined<K, V, VT>): KStream<K, VR>
  leftJoin<GK, GV, VR>(globalTable: GlobalKTable<GK, GV>, keyMapper: (key: K, value: V) => GK, joiner: (value: V, globalValue: GV | null, key: K) => VR): KStream<K, VR>
  leftJoin(other: unknown, a: unknown, b?: unknown, c?: unknown): KStream<K, any> {
    return joinStream(this, 'left', other, a, b, c)
  }

  outerJoin<VO, VR>(other: KStream<K, VO>, joiner: (value: V | null, otherValue: VO | null, key: K) => VR, windows: JoinWindows, streamJoined?: StreamJoined<K, V, VO>): KStream<K, VR> {
    return joinStream(this, 'outer', other, joiner, windows, streamJoined)
  }
}

export function requireFunction(fn: unknown, operation: string, what: string): void {
  if (typeof fn !== 'function') throw new TypeError(`${operation}: the ${what} must be a function, got ${fn === null ? 'null' : typeof fn}`)
}
