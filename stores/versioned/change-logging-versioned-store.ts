import type { VersionedBytesStore, VersionedRecord } from './versioned-store.js'
import { ChangeLoggingStore } from '../logging/change-logging-store.js'

/**
 * Writes through and logs as Kafka Streams' ChangeLoggingVersionedKeyValueBytesStore: every put
 * as the plain value with the version's timestamp as record timestamp, every delete as a
 * tombstone at its timestamp. That is the changelog a Kafka Streams versioned store restores
 * from (and this store restores from one written by Kafka Streams).
 */
export class ChangeLoggingVersionedStore extends ChangeLoggingStore<VersionedBytesStore> implements VersionedBytesStore {
  get historyRetention(): number {
    return this.inner.historyRetention
  }

  async put(key: Buffer, value: Buffer | null, timestamp: number): Promise<number> {
    const writer = this.openWriter()
    const validTo = await this.inner.put(key, value, timestamp)
    writer.log(key, value, timestamp)
    return validTo
  }

  async delete(key: Buffer, timestamp: number): Promise<VersionedRecord<Buffer> | null> {
    const writer = this.openWriter()
    const old = await this.inner.delete(key, timestamp)
    writer.log(key, null, timestamp)
    return old
  }

  get(key: Buffer, asOfTimestamp?: number): Promise<VersionedRecord<Buffer> | null> {
    return this.inner.get(key, asOfTimestamp)
  }
}
