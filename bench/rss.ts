// B7: count N distinct keys (default 10M) into a RocksDB store through the caching layer and
// report the peak RSS of the process doing it (goal: ≤ 512 MiB — state larger than memory
// stays on disk). The counting runs in a child process so its peak is its own.
//
// The store is built as the DSL builds a count's store (metered → caching → change-logging →
// RocksDB), with Kafka Streams' default 10 MiB cache and a commit (flush) every 30 s of wall
// time. Each record is a read-modify-write: get the count, put count + 1. The process runs with
// a capped V8 heap (--max-old-space-size, as a JVM service runs with -Xmx): without a cap V8
// lets garbage pile up far past the live heap (~120 MiB here) before collecting it.
//
//   npx tsx bench/rss.ts [--keys 10000000] [--reps 1] [--rocksdb-memory-mib N] [--no-block-cache]
//   (use e.g. --keys 1000000 for a quick run; the last two set the store's RocksDB options as
//   rocksDbMemoryBytes and a rocksDbConfigSetter turning the block cache off would)
import { spawn } from 'node:child_process'
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Stores } from '../lib/index.js'
import { rocksDbOptionsSource } from '../stores/rocksdb/rocksdb-options.js'
import { ThreadCache, DEFAULT_CACHE_MAX_BYTES } from '../stores/cache/thread-cache.js'
import type { RecordContext, StateStoreContext } from '../lib/index.js'

const GOAL_MIB = 512
const COMMIT_INTERVAL_MS = 30_000
const HEAP_CAP_MIB = 192

interface ChildResult {
  keys: number
  seconds: number
  maxRssMiB: number
  finalRssMiB: number
  heapUsedMiB: number
  changelogRecords: number
  commits: number
}

const strings = { serialize: (_t: string, d: string | null) => (d === null ? null : Buffer.from(d)), deserialize: (_t: string, d: Buffer | null) => (d === null ? null : d.toString()) }
const longs = {
  serialize: (_t: string, d: number | null) => {
    if (d === null) return null
    const b = Buffer.allocUnsafe(8)
    b.writeBigInt64BE(BigInt(d))
    return b
  },
  deserialize: (_t: string, d: Buffer | null) => (d === null ? null : Number(d.readBigInt64BE(0))),
}

async function child(keys: number, rocksDbMemoryMiB: number | null, blockCache: boolean): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'kstreams-b7-'))
  let changelogRecords = 0
  let current: RecordContext = { topic: 'words', partition: 0, offset: 0, timestamp: 0, headers: {} }
  const context: StateStoreContext = {
    applicationId: 'bench',
    taskId: '0_0',
    partition: 0,
    taskDir: join(dir, 'bench', '0_0'),
    cache: new ThreadCache(DEFAULT_CACHE_MAX_BYTES),
    changelogTopic: (s) => `bench-${s}-changelog`,
    collector: { send: () => void changelogRecords++ }, // the producer's side is not measured here
    recordContext: () => current,
    register: () => {},
    ...(rocksDbMemoryMiB !== null || !blockCache
      ? { rocksDb: rocksDbOptionsSource((rocksDbMemoryMiB ?? 64) * 1048576, (_store, o) => void (o.blockCache = blockCache)) }
      : {}),
  }
  const store = Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore('counts'), strings, longs).withCachingEnabled().build()
  await store.init(context, store)
  let commits = 0
  let lastCommit = Date.now()
  const t0 = process.hrtime.bigint()
  for (let i = 0; i < keys; i++) {
    current = { topic: 'words', partition: 0, offset: i, timestamp: i, headers: {} }
    const key = `word-${i}`
    const got = store.get(key)
    const count = got instanceof Promise ? await got : got
    const put = store.put(key, (count ?? 0) + 1)
    if (put instanceof Promise) await put
    if ((i & 0x3ff) === 0 && Date.now() - lastCommit >= COMMIT_INTERVAL_MS) {
      await store.flush()
      commits++
      lastCommit = Date.now()
    }
  }
  await store.flush()
  commits++
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9
  // not timed: the counts really are on disk
  for (const probe of [0, keys >> 1, keys - 1]) {
    if ((await store.get(`word-${probe}`)) !== 1) throw new Error(`count of word-${probe} is not 1`)
  }
  const mem = process.memoryUsage()
  const result: ChildResult = {
    keys,
    seconds,
    maxRssMiB: process.resourceUsage().maxRSS / 1024, // maxRSS is in KiB
    finalRssMiB: mem.rss / 1048576,
    heapUsedMiB: mem.heapUsed / 1048576,
    changelogRecords,
    commits,
  }
  await store.close()
  await rm(dir, { recursive: true, force: true })
  process.stdout.write(JSON.stringify(result) + '\n')
}

function runChild(keys: number, extra: string[]): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const self = fileURLToPath(import.meta.url)
    const proc = spawn(process.execPath, [`--max-old-space-size=${HEAP_CAP_MIB}`, '--import', 'tsx', self, '--child', '--keys', String(keys), ...extra], { stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    proc.stdout.on('data', (d) => (out += d))
    proc.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`B7 child exited with ${code}`))
      try {
        resolve(JSON.parse(out.trim().split('\n').pop()!) as ChildResult)
      } catch (e) {
        reject(e)
      }
    })
  })
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2)
  const opt = (name: string, def: number): number => {
    const i = argv.indexOf(`--${name}`)
    if (i < 0) return def
    const v = Number(argv[i + 1])
    if (!Number.isSafeInteger(v) || v <= 0) throw new Error(`--${name} needs a positive integer, got ${argv[i + 1]}`)
    return v
  }
  const known = ['--child', '--keys', '--reps', '--rocksdb-memory-mib', '--no-block-cache']
  for (const a of argv) if (a.startsWith('--') && !known.includes(a)) throw new Error(`unknown option ${a}; known: ${known.slice(1).join(' ')}`)
  const keys = opt('keys', 10_000_000)
  const memoryMiB = argv.includes('--rocksdb-memory-mib') ? opt('rocksdb-memory-mib', 64) : null
  const blockCache = !argv.includes('--no-block-cache')
  if (argv.includes('--child')) return child(keys, memoryMiB, blockCache)
  const extra = [...(memoryMiB !== null ? ['--rocksdb-memory-mib', String(memoryMiB)] : []), ...(blockCache ? [] : ['--no-block-cache'])]
  const reps = opt('reps', 1)
  const runs: ChildResult[] = []
  for (let r = 0; r < reps; r++) {
    const res = await runChild(keys, extra)
    runs.push(res)
    console.error(`rep ${r + 1}/${reps}: ${keys} keys in ${res.seconds.toFixed(1)} s, peak RSS ${res.maxRssMiB.toFixed(0)} MiB`)
  }
  const stat = (f: (r: ChildResult) => number) => {
    const v = runs.map(f).sort((a, b) => a - b)
    return { min: v[0], median: v[Math.floor(v.length / 2)], max: v[v.length - 1] }
  }
  const rss = stat((r) => r.maxRssMiB)
  const rate = stat((r) => r.keys / r.seconds)
  const machine = { cores: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', node: process.version }
  console.log(`B7 peak RSS: ${keys} distinct keys counted into RocksDB through a ${DEFAULT_CACHE_MAX_BYTES >> 20} MiB cache, V8 heap capped at ${HEAP_CAP_MIB} MiB, ${reps} repetition(s)`)
  console.log(`machine: ${machine.cores} cores (${machine.cpu}), Node ${machine.node}`)
  console.log('| metric | min | median | max |')
  console.log('| --- | ---: | ---: | ---: |')
  console.log(`| peak RSS (MiB) | ${rss.min.toFixed(0)} | ${rss.median.toFixed(0)} | ${rss.max.toFixed(0)} |`)
  console.log(`| records/s | ${Math.round(rate.min)} | ${Math.round(rate.median)} | ${Math.round(rate.max)} |`)
  console.log(`goal: peak RSS ≤ ${GOAL_MIB} MiB — ${rss.max <= GOAL_MIB ? 'met' : 'NOT met'}`)
  const out = join(import.meta.dirname, 'results')
  await mkdir(out, { recursive: true })
  await writeFile(join(out, 'rss.json'), JSON.stringify({
    benchmark: 'B7',
    description: 'distinct keys counted into a RocksDB store through the caching layer (metered → caching → logging → RocksDB); peak RSS of the counting process',
    keys, repetitions: reps, machine, cacheMaxBytes: DEFAULT_CACHE_MAX_BYTES, commitIntervalMs: COMMIT_INTERVAL_MS, v8HeapCapMiB: HEAP_CAP_MIB,
    peakRssMiB: rss, recordsPerSecond: rate, runs,
    goal: `peak RSS ≤ ${GOAL_MIB} MiB`, goalMet: rss.max <= GOAL_MIB,
    date: new Date().toISOString(),
  }, null, 2) + '\n')
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
