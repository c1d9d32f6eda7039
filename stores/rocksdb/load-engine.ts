// Loads the native RocksDB binding when the first persistent store opens, never on import: a
// stateless application, or one using only in-memory stores, runs where no prebuild exists.
// `rocksdb` is the default (it measured faster than `rocksdb-native`); `rocksdb-native` is the
// fallback where `rocksdb` has no build (linux-arm64), when the application installs it.
import { createRequire } from 'node:module'
import type { RocksEngine } from './engine.js'
import { LeveldownEngine, type LeveldownBinding } from './engine-leveldown.js'
import { NativeEngine, type NativeDatabaseConstructor } from './engine-native.js'

export type RocksDBBindingName = 'rocksdb-native' | 'rocksdb'

export const DEFAULT_ROCKSDB_BINDING: RocksDBBindingName = 'rocksdb'

/** Environment variable naming the binding to use (no fallback then). */
export const ROCKSDB_BINDING_ENV = 'KSTREAMS_ROCKSDB_BINDING'

const BINDINGS: Record<RocksDBBindingName, (require: NodeJS.Require) => RocksEngine> = {
  'rocksdb-native': (req) => new NativeEngine(req('rocksdb-native') as NativeDatabaseConstructor),
  rocksdb: (req) => new LeveldownEngine(req('rocksdb/binding.js') as LeveldownBinding),
}

/** No native RocksDB binding can be loaded here: persistent state stores cannot open. */
export class RocksDBUnavailableError extends Error {
  readonly code = 'ERR_KSTREAMS_ROCKSDB_UNAVAILABLE'
  constructor(
    readonly packageName: RocksDBBindingName,
    readonly platform: string,
    cause: unknown,
    /** other bindings tried after the first, with why each failed */
    readonly alsoTried: { packageName: RocksDBBindingName; error: unknown }[] = [],
  ) {
    super(
      `persistent state stores need the native RocksDB binding '${packageName}', which cannot be loaded on ` +
        `${platform} (Node ${process.version}): ${reason(cause)}` +
        alsoTried.map((t) => `; '${t.packageName}' cannot be loaded either: ${reason(t.error)}`).join('') +
        `. Install '${packageName}' with a build for this platform` +
        (packageName === 'rocksdb' ? ` (or 'rocksdb-native', prebuilt for linux x64/arm64, macOS and Windows)` : '') +
        `, or use in-memory stores (Stores.inMemoryKeyValueStore, Stores.inMemoryWindowStore, Stores.inMemorySessionStore).`,
      { cause },
    )
    this.name = 'RocksDBUnavailableError'
  }
}

const reason = (e: unknown): string => (e instanceof Error ? e.message : String(e))

let engine: RocksEngine | null = null
let failure: Error | null = null

/**
 * The binding in use, loaded on the first call: the one KSTREAMS_ROCKSDB_BINDING names, else
 * `rocksdb`, else `rocksdb-native` when `rocksdb` cannot load (no build for the platform).
 * Throws RocksDBUnavailableError when none loads; the outcome is kept for the process.
 */
export function rocksEngine(): RocksEngine {
  if (engine !== null) return engine
  if (failure !== null) throw failure
  let names: RocksDBBindingName[]
  try {
    names = candidates()
  } catch (e) {
    failure = e as Error
    throw failure
  }
  const require = createRequire(import.meta.url)
  const errors: { packageName: RocksDBBindingName; error: unknown }[] = []
  for (const name of names) {
    try {
      engine = BINDINGS[name](require)
      return engine
    } catch (error) {
      errors.push({ packageName: name, error })
    }
  }
  const [first, ...rest] = errors
  failure = new RocksDBUnavailableError(first.packageName, `${process.platform}-${process.arch}`, first.error, rest)
  throw failure
}

function candidates(): RocksDBBindingName[] {
  const wanted = process.env[ROCKSDB_BINDING_ENV]
  if (wanted === undefined || wanted === '') {
    return [DEFAULT_ROCKSDB_BINDING, ...(Object.keys(BINDINGS) as RocksDBBindingName[]).filter((n) => n !== DEFAULT_ROCKSDB_BINDING)]
  }
  if (wanted in BINDINGS) return [wanted as RocksDBBindingName]
  throw new Error(`${ROCKSDB_BINDING_ENV}=${wanted} names no RocksDB binding; use one of: ${Object.keys(BINDINGS).join(', ')}`)
}
