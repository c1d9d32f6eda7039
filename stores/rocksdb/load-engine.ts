// Loads the native RocksDB binding when the first persistent store opens, never on import: a
// stateless application, or one using only in-memory stores, runs where no prebuild exists.
import { createRequire } from 'node:module'
import type { RocksEngine } from './engine.js'
import { LeveldownEngine, type LeveldownBinding } from './engine-leveldown.js'
import { NativeEngine, type NativeDatabaseConstructor } from './engine-native.js'

export type RocksDBBindingName = 'rocksdb-native' | 'rocksdb'

export const DEFAULT_ROCKSDB_BINDING: RocksDBBindingName = 'rocksdb'

/** Environment variable choosing the binding; `rocksdb` is the alternative when installed. */
export const ROCKSDB_BINDING_ENV = 'KSTREAMS_ROCKSDB_BINDING'

const BINDINGS: Record<RocksDBBindingName, (require: NodeJS.Require) => RocksEngine> = {
  'rocksdb-native': (req) => new NativeEngine(req('rocksdb-native') as NativeDatabaseConstructor),
  rocksdb: (req) => new LeveldownEngine(req('rocksdb/binding.js') as LeveldownBinding),
}

/** The native RocksDB binding cannot be loaded here: persistent state stores cannot open. */
export class RocksDBUnavailableError extends Error {
  readonly code = 'ERR_KSTREAMS_ROCKSDB_UNAVAILABLE'
  constructor(readonly packageName: string, readonly platform: string, cause?: unknown) {
    super(
      `persistent state stores need the native RocksDB binding '${packageName}', which cannot be loaded on ` +
        `${platform} (Node ${process.version})` +
        (cause instanceof Error ? `: ${cause.message}` : '') +
        `. Install '${packageName}' with a build for this platform, or use in-memory stores ` +
        `(Stores.inMemoryKeyValueStore, Stores.inMemoryWindowStore, Stores.inMemorySessionStore).`,
      { cause },
    )
    this.name = 'RocksDBUnavailableError'
  }
}

let engine: RocksEngine | null = null
let failure: RocksDBUnavailableError | null = null

/** The binding in use, loaded on the first call; throws RocksDBUnavailableError when it cannot load. */
export function rocksEngine(): RocksEngine {
  if (engine !== null) return engine
  if (failure !== null) throw failure
  const name = chosenBinding()
  try {
    engine = BINDINGS[name](createRequire(import.meta.url))
    return engine
  } catch (e) {
    failure = new RocksDBUnavailableError(name, `${process.platform}-${process.arch}`, e)
    throw failure
  }
}

function chosenBinding(): RocksDBBindingName {
  const wanted = process.env[ROCKSDB_BINDING_ENV]
  if (wanted === undefined || wanted === '') return DEFAULT_ROCKSDB_BINDING
  if (wanted in BINDINGS) return wanted as RocksDBBindingName
  throw new Error(`${ROCKSDB_BINDING_ENV}=${wanted} names no RocksDB binding; use one of: ${Object.keys(BINDINGS).join(', ')}`)
}
