import { GlobalKTable } from '../dsl/global-ktable.js'
import { KStream } from '../dsl/kstream.js'
import { KTable } from '../dsl/ktable.js'
import { JoinWindows } from '../windows/join-windows.js'
import { streamGlobalTableJoin, streamStreamJoin, streamTableJoin, type StreamJoinKind } from './kstream-joins.js'
import { tableTableJoin } from './ktable-joins.js'

/** KStream.join / leftJoin / outerJoin: picks the join by the type of the other side. */
export function joinStream<K, V>(stream: KStream<K, V>, kind: StreamJoinKind, other: unknown, a: unknown, b: unknown, c: unknown): KStream<K, any> {
  const op = kind === 'inner' ? 'join' : kind === 'left' ? 'leftJoin' : 'outerJoin'
  if (other instanceof KStream) {
    if (!(b instanceof JoinWindows)) throw new TypeError(`${op}: a stream-stream join needs JoinWindows as third argument`)
    // The user's joiner takes (thisValue, otherValue, key); nulls only reach it on left/outer joins.
    return streamStreamJoin(stream, other, a as (l: V | null, r: unknown, k: K) => unknown, b, c as any, kind)
  }
  if (kind === 'outer') throw new TypeError('outerJoin: only a KStream can be outer-joined to a KStream (use KTable.outerJoin for tables)')
  if (other instanceof KTable) return streamTableJoin(stream, other, a as (v: V, tv: unknown, k: K) => unknown, b as any, kind === 'left')
  if (other instanceof GlobalKTable) {
    return streamGlobalTableJoin(stream, other, a as (k: K, v: V) => unknown, b as (v: V, gv: unknown, k: K) => unknown, kind === 'left')
  }
  throw new TypeError(`${op}: the other side must be a KStream, KTable or GlobalKTable, got ${other === null ? 'null' : typeof other}`)
}

/** KTable.join / leftJoin / outerJoin. */
export function joinTable<K, V>(table: KTable<K, V>, kind: StreamJoinKind, other: unknown, joiner: unknown, materialized: unknown): KTable<K, any> {
  if (!(other instanceof KTable)) {
    throw new TypeError(`${kind === 'inner' ? 'join' : kind === 'left' ? 'leftJoin' : 'outerJoin'}: a KTable joins another KTable`)
  }
  return tableTableJoin(table, other, joiner as (l: V | null, r: unknown) => unknown, materialized as any, kind)
}
