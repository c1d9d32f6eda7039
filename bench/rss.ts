// B7: count N distinct keys (default 10M) into a RocksDB store through the caching layer and
// report the peak RSS of the process doing it (goal: ≤ 320 MiB — state larger than memory
// stays on disk, and what stays in memory is bounded). The counting runs in a child process so
// its peak is its own; the child is compiled to plain JavaScript first, as an application runs
// the published package (a TypeScript loader in the process would add ~20 MiB of its own).
//
// The store is built as the DSL builds a count's store (metered → caching → change-logging →
// RocksDB), with Kafka Streams' default 10 MiB cache and a commit (flush) every 30 s of wall
// time. Each record is a read-modify-write: get the count, put count + 1. The process runs with
// a capped V8 heap (--max-old-space-size, as a JVM service runs with -Xmx): without a cap V8
// lets garbage pile up far past the live heap (~120 MiB here) before collecting it.
//
//   npx tsx bench/rss.ts [--keys 10000000] [--reps 1] [--allocator jemalloc|glibc]
//                        [--rocksdb-memory-mib N] [--no-block-cache]
//   (use e.g. --keys 1000000 for a quick run; jemalloc, the default, is preloaded as Kafka
//   Streams' memory guide recommends for RocksDB; the last two set the store's RocksDB options as
//   rocksDbMemoryBytes and a rocksDbConfigSetter turning the block cache off would)
import { spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Stores } from '../lib/index.js'
import { rocksDbOptionsSource } from '../stores/rocksdb/rocksdb-options.js'
import { ThreadCache, DEFAULT_CACHE_MAX_BYTES } from '../stores/cache/thread-cache.js'
import type { RecordContext, StateStoreContext } from '../lib/index.js'

const GOAL_MIB = 320
const COMMIT_INTERVAL_MS = 30_000
const HEAP_CAP_MIB = 192

/** process.memoryUsage() in MiB at the highest RSS sampled (every 65,536 records). */
interface MemorySample {
  rss: number
  heapTotal: number
  heapUsed: number
  arrayBuffers: number
  /** RSS less the V8 heap and array buffers: Node itself, RocksDB, malloc. */
  native: number
  atRecord: number
}

interface ChildResult {
  keys: number
  seconds: number
  maxRssMiB: number
  finalRssMiB: number
  heapUsedMiB: number
  atPeak: MemorySample
  /** The allocator the child really ran on, read from its own memory map. */
  allocator: string
  changelogRecords: number
  commits: number
}

const MIB = 1048576

function loadedAllocator(): string {
  try {
    return readFileSync('/proc/self/maps', 'utf8').includes('libjemalloc') ? 'jemalloc' : 'glibc'
  } catch {
    return 'unknown'
  }
}

function sample(atRecord: number): MemorySample {
  const m = process.memoryUsage()
  const mib = (n: number) => Math.round((n / MIB) * 10) / 10
  return { rss: mib(m.rss), heapTotal: mib(m.heapTotal), heapUsed: mib(m.heapUsed), arrayBuffers: mib(m.arrayBuffers), native: mib(m.rss - m.heapTotal - m.arrayBuffers), atRecord }
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
    // as KafkaStreams gives its stores: rocksDbMemoryBytes (64 MiB by default) and a setter
    rocksDb: rocksDbOptionsSource((rocksDbMemoryMiB ?? 64) * 1048576, blockCache ? undefined : (_store, o) => void (o.blockCache = false)),
  }
  const store = Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore('counts'), strings, longs).withCachingEnabled().build()
  await store.init(context, store)
  let commits = 0
  let atPeak = sample(0)
  let lastCommit = Date.now()
  const t0 = process.hrtime.bigint()
  for (let i = 0; i < keys; i++) {
    current = { topic: 'words', partition: 0, offset: i, timestamp: i, headers: {} }
    const key = `word-${i}`
    const got = store.get(key)
    const count = got instanceof Promise ? await got : got
    const put = store.put(key, (count ?? 0) + 1)
    if (put instanceof Promise) await put
    if ((i & 0xffff) === 0) {
      const now = sample(i)
      if (now.rss > atPeak.rss) atPeak = now
    }
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
    atPeak,
    allocator: loadedAllocator(),
    changelogRecords,
    commits,
  }
  await store.close()
  await rm(dir, { recursive: true, force: true })
  process.stdout.write(JSON.stringify(result) + '\n')
}

/** This file compiled to one plain-JavaScript module, packages left as imports. */
async function compileChild(dir: string): Promise<string> {
  const outfile = join(dir, 'b7-child.mjs')
  const { build } = await import('esbuild') // not in the child's own imports: it would count in its RSS
  await build({ entryPoints: [fileURLToPath(import.meta.url)], outfile, bundle: true, platform: 'node', format: 'esm', packages: 'external', logLevel: 'error' })
  return outfile
}

type Allocator = 'jemalloc' | 'glibc'

const JEMALLOC_PATHS = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib', '/usr/local/lib'].map((d) => join(d, 'libjemalloc.so.2'))

/**
 * The environment of the child: jemalloc preloaded, as Kafka Streams' memory-management guide
 * recommends for RocksDB (glibc's per-thread arenas keep freed RocksDB memory), or glibc as is.
 */
function allocatorEnv(allocator: Allocator): NodeJS.ProcessEnv {
  if (allocator === 'glibc') return process.env
  const lib = JEMALLOC_PATHS.find((p) => existsSync(p))
  if (lib === undefined) throw new Error(`--allocator jemalloc: libjemalloc.so.2 not found in ${JEMALLOC_PATHS.join(', ')}; install it (Debian: apt-get install -y libjemalloc2) or pass --allocator glibc`)
  return { ...process.env, LD_PRELOAD: lib }
}

function runChild(script: string, keys: number, extra: string[], allocator: Allocator): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    // run from the project so the compiled child resolves its packages from node_modules
    const proc = spawn(process.execPath, [`--max-old-space-size=${HEAP_CAP_MIB}`, script, '--child', '--keys', String(keys), ...extra], { stdio: ['ignore', 'pipe', 'inherit'], env: allocatorEnv(allocator) })
    let out = ''
    proc.stdout.on('data', (d) => (out += d))
    proc.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`B7 child exited with ${code}`))
      try {
        const result = JSON.parse(out.trim().split('\n').pop()!) as ChildResult
        if (result.allocator !== allocator && result.allocator !== 'unknown') throw new Error(`B7 child ran on ${result.allocator}, not ${allocator}`)
        resolve(result)
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
  const known = ['--child', '--keys', '--reps', '--rocksdb-memory-mib', '--no-block-cache', '--allocator']
  for (const a of argv) if (a.startsWith('--') && !known.includes(a)) throw new Error(`unknown option ${a}; known: ${known.slice(1).join(' ')}`)
  const keys = opt('keys', 10_000_000)
  const memoryMiB = argv.includes('--rocksdb-memory-mib') ? opt('rocksdb-memory-mib', 64) : null
  const blockCache = !argv.includes('--no-block-cache')
  const allocatorAt = argv.indexOf('--allocator')
  const allocator = (allocatorAt < 0 ? 'jemalloc' : argv[allocatorAt + 1]) as Allocator
  if (allocator !== 'jemalloc' && allocator !== 'glibc') throw new Error(`--allocator must be jemalloc or glibc, got ${argv[allocatorAt + 1]}`)
  if (argv.includes('--child')) return child(keys, memoryMiB, blockCache)
  const extra = [...(memoryMiB !== null ? ['--rocksdb-memory-mib', String(memoryMiB)] : []), ...(blockCache ? [] : ['--no-block-cache'])]
  const reps = opt('reps', 1)
  const runs: ChildResult[] = []
  const scratch = await mkdtemp(join(import.meta.dirname, '.b7-'))
  try {
    const script = await compileChild(scratch)
    for (let r = 0; r < reps; r++) {
      const res = await runChild(script, keys, extra, allocator)
      runs.push(res)
      const p = res.atPeak
      console.error(`rep ${r + 1}/${reps} (${allocator}): ${keys} keys in ${res.seconds.toFixed(1)} s, peak RSS ${res.maxRssMiB.toFixed(0)} MiB (sampled peak ${p.rss} MiB at record ${p.atRecord}: V8 heap ${p.heapTotal} (${p.heapUsed} used), array buffers ${p.arrayBuffers}, native ${p.native})`)
    }
  } finally {
    await rm(scratch, { recursive: true, force: true })
  }
  const stat = (f: (r: ChildResult) => number) => {
    const v = runs.map(f).sort((a, b) => a - b)
    return { min: v[0], median: v[Math.floor(v.length / 2)], max: v[v.length - 1] }
  }
  const rss = stat((r) => r.maxRssMiB)
  const rate = stat((r) => r.keys / r.seconds)
  const machine = { cores: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', node: process.version, loadAverage: loadavg().map((l) => Math.round(l * 100) / 100) }
  console.log(`B7 peak RSS: ${keys} distinct keys counted into RocksDB through a ${DEFAULT_CACHE_MAX_BYTES >> 20} MiB cache, V8 heap capped at ${HEAP_CAP_MIB} MiB, ${allocator}, ${reps} repetition(s)`)
  console.log(`machine: ${machine.cores} cores (${machine.cpu}), Node ${machine.node}, load average ${machine.loadAverage.join(' ')}`)
  console.log('| metric | min | median | max |')
  console.log('| --- | ---: | ---: | ---: |')
  console.log(`| peak RSS (MiB) | ${rss.min.toFixed(0)} | ${rss.median.toFixed(0)} | ${rss.max.toFixed(0)} |`)
  console.log(`| records/s | ${Math.round(rate.min)} | ${Math.round(rate.median)} | ${Math.round(rate.max)} |`)
  console.log(`goal: peak RSS ≤ ${GOAL_MIB} MiB — ${rss.max <= GOAL_MIB ? 'met' : 'NOT met'}`)
  const out = join(import.meta.dirname, 'results')
  await mkdir(out, { recursive: true })
  await writeFile(join(out, allocator === 'jemalloc' ? 'rss.json' : 'rss-glibc.json'), JSON.stringify({
    benchmark: 'B7',
    description: 'distinct keys counted into a RocksDB store through the caching layer (metered → caching → logging → RocksDB); peak RSS of the counting process',
    keys, repetitions: reps, allocator, machine, cacheMaxBytes: DEFAULT_CACHE_MAX_BYTES, commitIntervalMs: COMMIT_INTERVAL_MS, v8HeapCapMiB: HEAP_CAP_MIB,
    peakRssMiB: rss, recordsPerSecond: rate, runs,
    goal: `peak RSS ≤ ${GOAL_MIB} MiB`, goalMet: rss.max <= GOAL_MIB,
    date: new Date().toISOString(),
  }, null, 2) + '\n')
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
