// kill -9 a process in the middle of flushing RocksDB write batches, several times over the same
// directory: the store must reopen, and hold exactly one complete batch (the last one
// acknowledged, or one later that completed before the kill) — never part of a batch.
import { describe, expect, it } from 'vitest'
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { join } from 'node:path'
import { RocksDBKeyValueStore } from '../../../stores/rocksdb/rocksdb-key-value-store.js'
import { KEYS, keyOf, valueOf } from './rocksdb-crash-writer.js'
import { tempDir, testContext } from './rocksdb-test-context.js'

const writer = fileURLToPath(new URL('./rocksdb-crash-writer.ts', import.meta.url))

/** Runs the writer until it acknowledged at least `minBatches` more batches, then SIGKILLs it at a random moment. */
function runAndKill(taskDir: string, minBatches: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', writer, taskDir], { stdio: ['ignore', 'pipe', 'pipe'] })
    let last = -1
    let seen = 0
    let killTimer: NodeJS.Timeout | undefined
    let stderr = ''
    child.stderr.on('data', (d) => (stderr += d))
    child.stdout.setEncoding('utf8')
    let buf = ''
    child.stdout.on('data', (d: string) => {
      buf += d
      const lines = buf.split('\n')
      buf = lines.pop()!
      for (const line of lines) {
        const m = /^flushed (\d+)$/.exec(line)
        if (!m) continue
        last = Number(m[1])
        if (++seen === minBatches) killTimer = setTimeout(() => child.kill('SIGKILL'), Math.floor(Math.random() * 40))
      }
    })
    child.on('exit', (code, signal) => {
      clearTimeout(killTimer)
      if (signal === 'SIGKILL') resolve(last)
      else reject(new Error(`writer exited with ${code ?? signal} before the kill: ${stderr}`))
    })
  })
}

describe('RocksDB store under kill -9', () => {
  it('reopens after every kill holding a whole batch, never a partial one', async () => {
    const dir = await tempDir('kstreams-crash-')
    const taskDir = join(dir.path, 'app', '0_0')
    try {
      let previous = -1
      for (let round = 0; round < 5; round++) {
        const acknowledged = await runAndKill(taskDir, 5 + round * 3)
        expect(acknowledged).toBeGreaterThan(previous)
        const store = new RocksDBKeyValueStore('crash')
        await store.init(testContext({ taskDir }), store)
        const batch = Number((await store.get(Buffer.from('batch')))!.toString())
        // flushed batches survive; one more may have completed between the ack and the kill
        expect(batch).toBeGreaterThanOrEqual(acknowledged)
        expect(batch).toBeLessThanOrEqual(acknowledged + 1)
        let entries = 0
        for await (const e of store.all()) {
          if (e.key.toString() === 'batch') continue
          const j = Number(e.key.toString().slice(4))
          expect((j + batch) % 7).not.toBe(0)
          expect(e.value).toEqual(valueOf(batch))
          entries++
        }
        let expected = 0
        for (let j = 0; j < KEYS; j++) if ((j + batch) % 7 !== 0) expected++
        expect(entries).toBe(expected)
        expect(await store.get(keyOf(0))).toEqual(batch % 7 === 0 ? null : valueOf(batch))
        await store.close()
        previous = batch
      }
    } finally {
      await dir.remove()
    }
  }, 120_000)
})
