// Child process of the crash test: writes batches through a RocksDB store forever, flushing each,
// and reports every flushed batch on stdout. The parent kills it with SIGKILL at random moments.
//
// Batch b sets key j to "b" (padded) unless (j + b) % 7 === 0, which deletes it, and sets the
// marker key "batch" to b: any complete batch fixes the whole store's content.
import { RocksDBKeyValueStore } from '../../../stores/rocksdb/rocksdb-key-value-store.js'
import { testContext } from './rocksdb-test-context.js'

export const KEYS = 300

export function keyOf(j: number): Buffer {
  return Buffer.from(`key-${String(j).padStart(4, '0')}`)
}

export function valueOf(batch: number): Buffer {
  return Buffer.from(String(batch).padStart(64, '0'))
}

async function main(): Promise<void> {
  const taskDir = process.argv[2]
  if (!taskDir) throw new Error('usage: rocksdb-crash-writer <taskDir>')
  const store = new RocksDBKeyValueStore('crash')
  await store.init(testContext({ taskDir }), store)
  const marker = await store.get(Buffer.from('batch'))
  let batch = marker === null ? 0 : Number(marker.toString()) + 1
  for (;;) {
    for (let j = 0; j < KEYS; j++) store.put(keyOf(j), (j + batch) % 7 === 0 ? null : valueOf(batch))
    store.put(Buffer.from('batch'), Buffer.from(String(batch)))
    await store.flush()
    process.stdout.write(`flushed ${batch}\n`)
    batch++
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  main().catch((e) => {
    console.error(e)
    process.exit(1)
  })
}
