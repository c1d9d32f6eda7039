// Fault injection: fail or delay requests of one API, corrupt fetched records, drop every client
// connection.

import type { FetchResponse } from '../../protocol/messages/fetch.js'
import { resolveApi } from './handlers/index.js'

/** A record batch's header runs to its CRC field and beyond; a flip past it breaks the CRC. */
const RECORDS_CRC_END = 21

export class Faults {
  private readonly failures = new Map<number, { remaining: number; errorCode: number }[]>()
  private readonly delays = new Map<number, number>()
  private corruptFetches = 0

  /** @internal Made by EmbeddedKafka (`kafka.faults`). */
  constructor(private readonly dropAll: () => void) {}

  /** Closes every open client connection (clients see a network error and reconnect). */
  dropConnections(): void {
    this.dropAll()
  }

  /** The next `count` requests of the API are answered with `errorCode` instead of being handled. */
  failNext(apiKeyOrName: number | string, count: number, errorCode: number): void {
    const api = resolveApi(apiKeyOrName)
    if (!Number.isInteger(count) || count < 1) throw new Error(`failNext(${api.name}): count must be a positive integer, got ${count}`)
    if (!Number.isInteger(errorCode) || errorCode === 0) throw new Error(`failNext(${api.name}): errorCode must be a non-zero Kafka error code, got ${errorCode}`)
    let list = this.failures.get(api.key)
    if (!list) this.failures.set(api.key, (list = []))
    list.push({ remaining: count, errorCode })
  }

  /** Every response of the API is delayed by `ms` (0 removes the delay). */
  delay(apiKeyOrName: number | string, ms: number): void {
    const api = resolveApi(apiKeyOrName)
    if (!Number.isFinite(ms) || ms < 0) throw new Error(`delay(${api.name}): ms must be a non-negative number, got ${ms}`)
    if (ms === 0) this.delays.delete(api.key)
    else this.delays.set(api.key, ms)
  }

  /**
   * The next `count` Fetch responses that carry records have one byte of their first partition's
   * records flipped on the way out (the log keeps the right bytes), as a bad link or disk would:
   * the client sees a CRC-32C mismatch and must fetch again.
   */
  corruptNextFetches(count: number): void {
    if (!Number.isInteger(count) || count < 1) throw new Error(`corruptNextFetches: count must be a positive integer, got ${count}`)
    this.corruptFetches += count
  }

  /** Removes every pending failure and delay (of one API, or all). */
  clear(apiKeyOrName?: number | string): void {
    if (apiKeyOrName === undefined) {
      this.failures.clear()
      this.delays.clear()
      this.corruptFetches = 0
      return
    }
    const api = resolveApi(apiKeyOrName)
    this.failures.delete(api.key)
    this.delays.delete(api.key)
  }

  /** @internal Consumes one pending failure for the API, if any (the connection, per request). */
  takeFailure(apiKey: number): number {
    const list = this.failures.get(apiKey)
    if (!list) return 0
    const f = list[0]!
    f.remaining--
    if (f.remaining === 0) list.shift()
    if (list.length === 0) this.failures.delete(apiKey)
    return f.errorCode
  }

  /** @internal The delay of the API's responses (the connection, per request). */
  delayFor(apiKey: number): number {
    return this.delays.get(apiKey) ?? 0
  }

  /** @internal A Fetch response on its way out: corrupts it when asked to (the connection, per response). */
  maybeCorruptFetch(response: FetchResponse): FetchResponse {
    if (this.corruptFetches === 0) return response
    for (const topic of response.responses) {
      for (const partition of topic.partitions) {
        const records = partition.records as Buffer | Buffer[] | null
        if (!records || records.length === 0) continue
        // Stored batches go out by reference: corrupt a copy, never the log.
        const copy = Buffer.concat(Array.isArray(records) ? records : [records])
        if (copy.length <= RECORDS_CRC_END) continue
        // The last byte is the last record's header count; the one before it ends the record's
        // value (or key), which only the CRC can catch.
        copy[copy.length - 2] ^= 0x01
        partition.records = copy
        this.corruptFetches--
        return response
      }
    }
    return response
  }

  /** Whether an injected failure, delay or corruption is still pending (e.g. to wait until it has been answered). */
  get active(): boolean {
    return this.failures.size > 0 || this.delays.size > 0 || this.corruptFetches > 0
  }
}
