// The persistent versioned store: one RocksDB instance per store per task at
// `<taskDir>/rocksdb/<store>` holding latest versions, older versions and their expiry index
// (versioned-layout.ts). Writes are buffered like the key-value store's and reach RocksDB as
// one write batch on flush().
import { join } from 'node:path'
import type { StateStoreContext } from '../state-store.js'
import { invalidateCheckpointEntries, ROCKSDB_DIR } from '../checkpoint/task-state.js'
import { openStoreDatabase, type Warn } from '../rocksdb/open-store.js'
import type { NativeOpenOptions } from '../rocksdb/rocks-database.js'
import { RocksTable } from '../rocksdb/rocks-table.js'
import { VersionedStoreBase, type OpenedVersionTable } from './versioned-store-base.js'
import { STREAM_TIME } from './versioned-layout.js'

export interface RocksDBVersionedStoreOptions {
  native?: NativeOpenOptions
  warn?: Warn
}

export class RocksDBVersionedStore extends VersionedStoreBase {
  readonly persistent = true
  /** the store opened without any previous data (new, or rebuilt after corruption) */
  freshlyCreated = false
  path: string | null = null

  constructor(name: string, historyRetention: number, segmentInterval: number, private readonly options: RocksDBVersionedStoreOptions = {}) {
    super(name, historyRetention, segmentInterval)
  }

  protected async openTable(context: StateStoreContext): Promise<OpenedVersionTable> {
    this.path = join(context.taskDir, ROCKSDB_DIR, this.name)
    const opened = await openStoreDatabase({ storeName: this.name, path: this.path, native: this.options.native, warn: this.options.warn })
    this.freshlyCreated = opened.fresh
    if (opened.fresh) {
      await invalidateCheckpointEntries(context.taskDir, [{ topic: context.changelogTopic(this.name), partition: context.partition }], this.options.warn)
    }
    const table = new RocksTable(opened.db)
    // the stream time survives a restart that needs no restore, so retention still holds
    const time = await table.get(STREAM_TIME)
    this.observedStreamTime = time === null ? -1 : Number(time.readBigInt64BE(0))
    return table
  }

  protected override saveStreamTime(table: OpenedVersionTable): void {
    const time = Buffer.allocUnsafe(8)
    time.writeBigInt64BE(BigInt(this.observedStreamTime))
    table.put(STREAM_TIME, time)
  }
}
