// Loads the native RocksDB binding when the first persistent store opens, never on import: a
// stateless application, or one using only in-memory stores, runs where no prebuild exists.
import { createRequire } from 'node:module'
import type { RocksEngine } from './engine.js'
import { NativeEngine, type NativeDatabaseConstructor } from './engine-native.js'

/** The npm package providing RocksDB (prebuilt for linux x64/arm64, macOS and Windows). */
export const ROCKSDB_PACKAGE = 'rocksdb-native'

/** The native RocksDB binding cannot be loaded here: persistent state stores cannot open. */
export class RocksDBUnavailableError extends Error {
  readonly code = 'ERR_KSTREAMS_ROCKSDB_UNAVAILABLE'
  constructor(readonly packageName: string, readonly platform: string, cause: unknown) {
    super(
      `persistent state stores need the native RocksDB binding '${packageName}', which cannot be loaded on ` +
        `${platform} (Node ${process.version}): ${cause instanceof Error ? cause.message : String(cause)}. ` +
        `Install '${packageName}' (it ships prebuilds for linux x64/arm64, macOS and Windows; on Linux it needs libatomic), ` +
        `or use in-memory stores (Stores.inMemoryKeyValueStore, Stores.inMemoryWindowStore, Stores.inMemorySessionStore).`,
      { cause },
    )
    this.name = 'RocksDBUnavailableError'
  }
}

let engine: RocksEngine | null = null
let failure: RocksDBUnavailableError | null = null

/** The binding, loaded on the first call; throws RocksDBUnavailableError (every time) when it cannot load. */
export function rocksEngine(): RocksEngine {
  if (engine !== null) return engine
  if (failure !== null) throw failure
  try {
    engine = new NativeEngine(createRequire(import.meta.url)(ROCKSDB_PACKAGE) as NativeDatabaseConstructor)
    return engine
  } catch (e) {
    failure = new RocksDBUnavailableError(ROCKSDB_PACKAGE, `${process.platform}-${process.arch}`, e)
    throw failure
  }
}
