// B4: restore a 1M-key store from its changelog on a fresh state dir.
//
// The changelog records are made up front (not timed): N distinct keys in a scrambled order,
// ~100-byte records. Each repetition opens a fresh RocksDB key-value store built as the DSL
// builds one (logging + caching layers on top), then feeds the records to the restore callback
// the store registered, through StateRestorer, in fetch-sized batches — the path the runtime
// takes with records fetched from Kafka, minus the network. Reports restore records/s; B4's goal
// is this rate ÷ B2's processing rate (measured by the runtime benchmark).
//
//   npx tsx bench/restore.ts [--records 1000000] [--reps 3] [--batch 10000] [--value-bytes 86]
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { Stores } from '../lib/index.js'
import type { RestoreCallback, StateStore, StateStoreContext } from '../lib/index.js'
import { StateRestorer } from '../stores/restore/state-restorer.js'
import type { RestoreRecord } from '../stores/state-store.js'

const args = parseArgs({ records: 1_000_000, reps: 3, batch: 10_000, 'value-bytes': 86 })
const N = args.records
const KEY_BYTES = 14

function makeChangelog(): RestoreRecord[] {
  const recordBytes = KEY_BYTES + args['value-bytes']
  const slab = Buffer.alloc(N * recordBytes, 0x61)
  const records: RestoreRecord[] = new Array(N)
  // a multiplicative scramble visits every key once, in an order unrelated to key order
  const step = 1_000_003 % N === 0 ? 999_983 : 1_000_003
  for (let offset = 0; offset < N; offset++) {
    const id = (offset * step) % N
    const at = offset * recordBytes
    slab.write(`key-${String(id).padStart(KEY_BYTES - 4, '0')}`, at, 'latin1')
    slab.writeBigInt64BE(BigInt(offset), at + KEY_BYTES)
    records[offset] = { key: slab.subarray(at, at + KEY_BYTES), value: slab.subarray(at + KEY_BYTES, at + recordBytes), timestamp: offset, offset }
  }
  return records
}

function context(taskDir: string, registered: Map<string, RestoreCallback>): StateStoreContext {
  return {
    applicationId: 'bench',
    taskId: '0_0',
    partition: 0,
    taskDir,
    cache: null,
    changelogTopic: (s) => `bench-${s}-changelog`,
    collector: { send: () => { throw new Error('restore must not write to the changelog') } },
    recordContext: () => ({ topic: 'in', partition: 0, offset: 0, timestamp: 0, headers: {} }),
    register: (store: StateStore, restore: RestoreCallback) => void registered.set(store.name, restore),
  }
}

async function once(records: RestoreRecord[]): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'kstreams-b4-'))
  const bytes = { serialize: (_t: string, d: Buffer | null) => d, deserialize: (_t: string, d: Buffer | null) => d }
  const store = Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore('counts'), bytes, bytes).withCachingEnabled().build()
  const registered = new Map<string, RestoreCallback>()
  try {
    await store.init(context(join(dir, 'bench', '0_0'), registered), store)
    const restorer = new StateRestorer({ storeName: 'counts', changelogTopic: 'bench-counts-changelog', partition: 0, restore: registered.get('counts')!, startOffset: 0, endOffset: N })
    const t0 = process.hrtime.bigint()
    for (let i = 0; i < N; i += args.batch) await restorer.restoreBatch(records.slice(i, i + args.batch))
    await restorer.finish()
    await store.flush() // the last batch may still be in flight: restore ends when it is on disk
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9
    // not timed: the store really holds what was restored
    const probe = records[N >> 1]
    const got = await store.get(probe.key)
    if (!got || !probe.value || !got.equals(probe.value)) throw new Error('restored store is missing a key')
    const approx = await store.approximateNumEntries()
    if (approx < N * 0.9) throw new Error(`restored store holds ~${approx} keys, expected ${N}`)
    return seconds
  } finally {
    await store.close()
    await rm(dir, { recursive: true, force: true })
  }
}

async function main(): Promise<void> {
  const records = makeChangelog()
  const rates: number[] = []
  for (let r = 0; r < args.reps; r++) {
    const s = await once(records)
    rates.push(N / s)
    console.error(`rep ${r + 1}/${args.reps}: ${N} records in ${s.toFixed(2)} s`)
  }
  const sorted = [...rates].sort((a, b) => a - b)
  const stats = { min: sorted[0], median: sorted[Math.floor(sorted.length / 2)], max: sorted[sorted.length - 1] }
  const machine = { cores: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', node: process.version }
  const recordBytes = KEY_BYTES + args['value-bytes']
  console.log(`B4 restore: ${N} distinct keys, ${recordBytes}-byte records, batches of ${args.batch}, ${args.reps} repetitions`)
  console.log(`machine: ${machine.cores} cores (${machine.cpu}), Node ${machine.node}`)
  console.log('| metric | min | median | max |')
  console.log('| --- | ---: | ---: | ---: |')
  console.log(`| restore records/s | ${fmt(stats.min)} | ${fmt(stats.median)} | ${fmt(stats.max)} |`)
  console.log(`| restore MB/s | ${(stats.min * recordBytes / 1e6).toFixed(1)} | ${(stats.median * recordBytes / 1e6).toFixed(1)} | ${(stats.max * recordBytes / 1e6).toFixed(1)} |`)
  const out = join(import.meta.dirname, 'results')
  await mkdir(out, { recursive: true })
  await writeFile(join(out, 'restore.json'), JSON.stringify({
    benchmark: 'B4',
    description: 'restore a store of distinct keys from changelog records on a fresh state dir (RocksDB, through StateRestorer)',
    records: N, recordBytes, batch: args.batch, repetitions: args.reps, machine,
    restoreRecordsPerSecond: { ...stats, all: rates },
    goal: 'restore records/s ÷ B2 processing records/s ≥ 3 (B2 measured by the runtime benchmark)',
    date: new Date().toISOString(),
  }, null, 2) + '\n')
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US')
}

function parseArgs<T extends Record<string, number>>(defaults: T): T {
  const out: Record<string, number> = { ...defaults }
  const argv = process.argv.slice(2)
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i].replace(/^--/, '')
    if (!(name in defaults)) throw new Error(`unknown option ${argv[i]}; known: ${Object.keys(defaults).map((k) => `--${k}`).join(' ')}`)
    const value = Number(argv[++i])
    if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`--${name} needs a positive integer, got ${argv[i]}`)
    out[name] = value
  }
  return out as T
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
