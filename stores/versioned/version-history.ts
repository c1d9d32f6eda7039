// Kafka Streams' versioned-store semantics (RocksDBVersionedStore's put, get and delete) over one
// ordered bytes table laid out as versioned-layout.ts describes. Kafka Streams keeps older
// versions in time segments by validTo; here they are rows ordered by (key, validFrom), which
// answers the same: every put returns the validTo Kafka Streams returns, and gaps between
// versions (deletions) read as null.
import type { MaybePromise } from '../maybe-promise.js'
import { PUT_RETURN_CODE_VALID_TO_UNDEFINED, type VersionedRecord } from './versioned-store.js'
import {
  afterPrefix,
  decodeHistory,
  decodeLatest,
  encodeHistory,
  encodeLatest,
  expiryBound,
  expiryKey,
  expiryRow,
  EXPIRY,
  historyKey,
  historyPrefix,
  latestKey,
  type HistoryRow,
  type LatestValue,
} from './versioned-layout.js'

/** The ordered table the versions are kept in (a RocksTable, or a map in memory). */
export interface VersionTable {
  get(key: Buffer): MaybePromise<Buffer | null>
  /** null deletes */
  put(key: Buffer, value: Buffer | null): void
  range(bounds: { gte?: Buffer; lte?: Buffer; lt?: Buffer; reverse?: boolean }): AsyncIterable<{ key: Buffer; value: Buffer }>
}

/** No version later than the one being put exists. */
const NONE = Number.NEGATIVE_INFINITY
const EXPIRY_START = Buffer.from([EXPIRY])

async function first<T>(it: AsyncIterable<T>): Promise<T | null> {
  for await (const x of it) return x
  return null
}

export class VersionHistory {
  constructor(private readonly table: VersionTable) {}

  async latest(key: Buffer): Promise<LatestValue | null> {
    const raw = await this.table.get(latestKey(key))
    return raw === null ? null : decodeLatest(raw)
  }

  /** The older version with the greatest validFrom <= t. */
  private async floor(prefix: Buffer, t: number): Promise<HistoryRow | null> {
    const row = await first(this.table.range({ gte: prefix, lte: historyKey(prefix, t), reverse: true }))
    return row === null ? null : decodeHistory(row.key, row.value)
  }

  /** The older version with the smallest validFrom > t. */
  private async after(prefix: Buffer, t: number): Promise<HistoryRow | null> {
    const row = await first(this.table.range({ gte: historyKey(prefix, t + 1), lt: afterPrefix(prefix) }))
    return row === null ? null : decodeHistory(row.key, row.value)
  }

  private writeHistory(prefix: Buffer, validFrom: number, validTo: number, value: Buffer | null): void {
    const rowKey = historyKey(prefix, validFrom)
    this.table.put(rowKey, encodeHistory(validTo, value))
    // a row whose validTo changes leaves its old index entry behind; purge() skips those
    this.table.put(expiryKey(validTo, rowKey), Buffer.alloc(0))
  }

  /**
   * Inserts the version of `key` at `timestamp` (null: a deletion); returns its validTo, or -1
   * when it is the key's latest version. The caller has checked the grace period.
   */
  async put(key: Buffer, value: Buffer | null, timestamp: number): Promise<number> {
    const latest = await this.latest(key)
    const prefix = historyPrefix(key)
    if (latest !== null && timestamp >= latest.timestamp) {
      // the new version is the latest: the previous one becomes history, valid until now
      if (timestamp > latest.timestamp) this.writeHistory(prefix, latest.timestamp, timestamp, latest.value)
      this.table.put(latestKey(key), value === null ? null : encodeLatest(value, timestamp))
      return PUT_RETURN_CODE_VALID_TO_UNDEFINED
    }
    const before = await this.floor(prefix, timestamp)
    if (before !== null && before.validTo > timestamp) {
      // inside an older version: replace it (same start) or split it at `timestamp`
      if (before.validFrom !== timestamp) this.writeHistory(prefix, before.validFrom, timestamp, before.value)
      this.writeHistory(prefix, timestamp, before.validTo, value)
      return before.validTo
    }
    const next = await this.after(prefix, timestamp)
    const validTo = next !== null ? next.validFrom : latest !== null ? latest.timestamp : NONE
    if (validTo !== NONE) {
      this.writeHistory(prefix, timestamp, validTo, value)
      return validTo
    }
    if (value !== null) {
      this.table.put(latestKey(key), encodeLatest(value, timestamp))
    } else if (before === null || before.validTo !== timestamp) {
      // a deletion later than every version: keep its time (a zero-length row), so an older
      // put later on ends there
      this.writeHistory(prefix, timestamp, timestamp, null)
    }
    return PUT_RETURN_CODE_VALID_TO_UNDEFINED
  }

  /** The version valid at `asOf`, or the latest when asOf is undefined. */
  async get(key: Buffer, asOf?: number): Promise<VersionedRecord<Buffer> | null> {
    const latest = await this.latest(key)
    if (asOf === undefined) return latest === null ? null : { value: latest.value, timestamp: latest.timestamp }
    if (latest !== null && latest.timestamp <= asOf) return { value: latest.value, timestamp: latest.timestamp }
    const row = await this.floor(historyPrefix(key), asOf)
    if (row === null || row.validTo <= asOf || row.value === null) return null
    return { value: row.value, timestamp: row.validFrom, validTo: row.validTo }
  }

  /** Deletes the older versions that ended before `bound` (no read as of `bound` or later needs them). */
  async purge(bound: number): Promise<number> {
    let purged = 0
    const stale: Buffer[] = []
    for await (const { key } of this.table.range({ gte: EXPIRY_START, lt: expiryBound(bound) })) stale.push(key)
    for (const indexKey of stale) {
      const { historyRowKey } = expiryRow(indexKey)
      const raw = await this.table.get(historyRowKey)
      if (raw !== null && decodeHistory(historyRowKey, raw).validTo < bound) {
        this.table.put(historyRowKey, null)
        purged++
      }
      this.table.put(indexKey, null)
    }
    return purged
  }
}
