import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { claimProcessId, PROCESS_METADATA_FILE } from '../../../lib/lifecycle/process-id.js'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

function appDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'kstreams-pid-'))
  dirs.push(d)
  return join(d, 'app')
}

function recorder() {
  const warnings: string[] = []
  return { warnings, logger: { debug() {}, info() {}, error() {}, warn: (a: unknown, b?: unknown) => void warnings.push(String(typeof a === 'string' ? a : b)) } }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

describe('process id in the state directory', () => {
  it('a new directory gets a new id, written as JSON; the next start reads it back', async () => {
    const dir = appDir()
    const { logger, warnings } = recorder()
    const first = await claimProcessId(dir, logger)
    expect(first.processId).toMatch(UUID)
    expect(JSON.parse(readFileSync(join(dir, PROCESS_METADATA_FILE), 'utf8'))).toEqual({ processId: first.processId })
    await first.release()
    const second = await claimProcessId(dir, logger)
    expect(second.processId).toBe(first.processId)
    await second.release()
    expect(warnings).toEqual([])
  })

  it('a corrupt file: a warning and a new id, written over it', async () => {
    const dir = appDir()
    const { logger, warnings } = recorder()
    await (await claimProcessId(dir, logger)).release()
    for (const bad of ['{not json', JSON.stringify({ processId: 'not-a-uuid' }), '']) {
      writeFileSync(join(dir, PROCESS_METADATA_FILE), bad)
      const c = await claimProcessId(dir, logger)
      expect(c.processId).toMatch(UUID)
      expect(JSON.parse(readFileSync(join(dir, PROCESS_METADATA_FILE), 'utf8'))).toEqual({ processId: c.processId })
      await c.release()
    }
    expect(warnings).toHaveLength(3)
    expect(warnings[0]).toContain(PROCESS_METADATA_FILE)
  })

  it('a directory in use by a live instance of this process: a fresh id, the file untouched', async () => {
    const dir = appDir()
    const { logger, warnings } = recorder()
    const [a, b] = await Promise.all([claimProcessId(dir, logger), claimProcessId(dir, logger)])
    expect(a.processId).not.toBe(b.processId)
    expect(warnings).toHaveLength(1)
    const kept = JSON.parse(readFileSync(join(dir, PROCESS_METADATA_FILE), 'utf8')).processId
    await a.release()
    await b.release()
    const c = await claimProcessId(dir, logger)
    expect(c.processId).toBe(kept)
    await c.release()
  })

  it('a directory another live process uses: a fresh id; once that process is gone, the kept id', async () => {
    const dir = appDir()
    const { logger, warnings } = recorder()
    const mine = await claimProcessId(dir, logger)
    await mine.release()
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' })
    try {
      writeFileSync(join(dir, 'kafka-streams-process-owner'), String(other.pid))
      const c = await claimProcessId(dir, logger)
      expect(c.processId).not.toBe(mine.processId)
      expect(warnings.some(w => w.includes(`live process ${other.pid}`))).toBe(true)
      await c.release()
    } finally {
      other.kill('SIGKILL')
      await new Promise(r => other.once('exit', r))
    }
    // killed: its owner file is stale
    const after = await claimProcessId(dir, logger)
    expect(after.processId).toBe(mine.processId)
    await after.release()
  })
})
