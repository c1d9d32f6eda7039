// The store suites that touch RocksDB, run again on the `rocksdb-native` binding (the fallback
// where `rocksdb` has no build): the same contract, corruption, lock and crash behaviour.
// Each test file runs in its own process, so the binding chosen here stays here.
import { afterAll, expect, it } from 'vitest'
import { rocksEngine } from '../../../stores/rocksdb/load-engine.js'

const previous = process.env.KSTREAMS_ROCKSDB_BINDING
process.env.KSTREAMS_ROCKSDB_BINDING = 'rocksdb-native'
afterAll(() => {
  if (previous === undefined) delete process.env.KSTREAMS_ROCKSDB_BINDING
  else process.env.KSTREAMS_ROCKSDB_BINDING = previous
})

it('runs on rocksdb-native', () => {
  expect(rocksEngine().packageName).toBe('rocksdb-native')
})

await import('./rocksdb-contract.test.js')
await import('./rocksdb-corruption.test.js')
await import('./rocksdb-crash.test.js')
await import('./rocksdb-key-value-store.test.js')
await import('./rocksdb-window-session-store.test.js')
await import('./rocksdb-restore.test.js')
await import('./rocksdb-key-filter.test.js')
