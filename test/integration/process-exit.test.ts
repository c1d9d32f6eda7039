import { spawn } from 'node:child_process'
import { stat } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTopics, consumeUntil, produce, startCluster, tempDir, uniqueName, type TestCluster } from './helpers.js'

const APP = fileURLToPath(new URL('./fixtures/ops-app.ts', import.meta.url))

interface Child {
  lines: string[]
  stderr(): string
  waitForLine(line: string, timeoutMs?: number): Promise<void>
  kill(signal: NodeJS.Signals): void
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

/** Runs fixtures/ops-app.ts in a child process (tsx), collecting stdout lines. */
function runApp(config: object): Child {
  const proc = spawn(process.execPath, ['--import', 'tsx', APP, JSON.stringify(config)], { stdio: ['ignore', 'pipe', 'pipe'] })
  const lines: string[] = []
  const waiters: (() => void)[] = []
  let out = ''
  let err = ''
  proc.stdout!.on('data', (d: Buffer) => {
    out += d.toString()
    let i
    while ((i = out.indexOf('\n')) >= 0) {
      lines.push(out.slice(0, i))
      out = out.slice(i + 1)
      for (const w of waiters.splice(0)) w()
    }
  })
  proc.stderr!.on('data', (d: Buffer) => void (err += d.toString()))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(res => proc.on('exit', (code, signal) => res({ code, signal })))
  return {
    lines,
    stderr: () => err,
    exited,
    kill: signal => void proc.kill(signal),
    waitForLine(line, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`child never printed ${line} (stdout: ${lines.join('|')}; stderr: ${err.slice(-2000)})`)), timeoutMs)
        void exited.then(({ code }) => {
          if (!lines.includes(line)) reject(new Error(`child exited (${code}) before printing ${line}: ${err.slice(-2000)}`))
        })
        const check = () => {
          if (lines.includes(line)) {
            clearTimeout(timer)
            resolve()
          } else waiters.push(check)
        }
        check()
      })
    },
  }
}

describe('process exit codes and signals', () => {
  let cluster: TestCluster

  beforeAll(async () => {
    cluster = await startCluster()
  })
  afterAll(async () => {
    await cluster?.stop()
  })

  it('a fatal error with no error listener ends the process non-zero after reaching ERROR', async () => {
    const input = uniqueName('fatal-in')
    const output = uniqueName('fatal-out')
    await createTopics(cluster.kafka, [{ topic: input, numPartitions: 1 }, { topic: output, numPartitions: 1 }])
    const state = await tempDir('kstreams-fatal')
    const child = runApp({ mode: 'fatal', brokers: cluster.brokers, applicationId: uniqueName('fatal-app'), input, output, stateDir: state.dir })
    try {
      await child.waitForLine('STATE RUNNING')
      await produce(cluster.kafka, input, [{ key: 'k', value: 'fine' }, { key: 'k', value: 'boom' }])
      const { code } = await child.exited
      expect(code).not.toBe(0)
      expect(code).not.toBeNull()
      expect(child.lines.filter(l => l.startsWith('STATE')).slice(-2)).toEqual(['STATE PENDING_ERROR', 'STATE ERROR'])
      expect(child.stderr()).toContain('user code exploded on boom')
    } finally {
      child.kill('SIGKILL')
      await state.remove()
    }
  })

  it('start() rejects naming every broker address when none answers, and the process exits non-zero', async () => {
    const state = await tempDir('kstreams-unreachable')
    // Port 1 refuses connections on any test machine.
    const child = runApp({ mode: 'start', brokers: ['127.0.0.1:1'], applicationId: uniqueName('unreachable-app'), input: 'in', output: 'out', stateDir: state.dir, connectionTimeout: 2000 })
    try {
      const { code } = await child.exited
      expect(code).not.toBe(0)
      expect(child.lines).not.toContain('STARTED')
      expect(child.stderr()).toContain('BrokersUnreachableError')
      expect(child.stderr()).toContain('127.0.0.1:1 (connection refused)')
      expect(child.stderr()).toContain('2000 ms')
    } finally {
      child.kill('SIGKILL')
      await state.remove()
    }
  })

  it('closeOnSignals: SIGTERM closes cleanly (checkpoints written) and the process exits 0', async () => {
    const input = uniqueName('sig-in')
    const output = uniqueName('sig-out')
    await createTopics(cluster.kafka, [{ topic: input, numPartitions: 1 }, { topic: output, numPartitions: 1 }])
    const state = await tempDir('kstreams-signals')
    const applicationId = uniqueName('sig-app')
    const child = runApp({ mode: 'signals', brokers: cluster.brokers, applicationId, input, output, stateDir: state.dir })
    try {
      await child.waitForLine('STATE RUNNING')
      await produce(cluster.kafka, input, [{ key: null, value: 'a b a' }])
      await consumeUntil(cluster.kafka, output, rs => rs.length >= 3)
      child.kill('SIGTERM')
      const { code, signal } = await child.exited
      expect({ code, signal }).toEqual({ code: 0, signal: null })
      expect(child.lines.slice(-2)).toEqual(['STATE PENDING_SHUTDOWN', 'STATE NOT_RUNNING'])
      // The task of the count store wrote its checkpoint on the clean close.
      const tasks = ['0_0', '1_0']
      const found = await Promise.all(tasks.map(t => stat(path.join(state.dir, applicationId, t, '.checkpoint')).then(() => t, () => null)))
      expect(found.filter(Boolean).length).toBeGreaterThan(0)
    } finally {
      child.kill('SIGKILL')
      await state.remove()
    }
  })

  it('after close() with the broker gone nothing keeps the process alive: it ends by itself with code 0', async () => {
    const state = await tempDir('kstreams-broker-down')
    const child = runApp({ mode: 'close-broker-down', brokers: [], applicationId: uniqueName('down-app'), input: uniqueName('down-in'), output: uniqueName('down-out'), stateDir: state.dir })
    try {
      await child.waitForLine('CLOSED NOT_RUNNING', 60_000)
      // Before, kafkajs kept restarting the group consumer it was still connecting when closed,
      // and the process never ended.
      const ended = await Promise.race([child.exited, new Promise(r => setTimeout(() => r('still running'), 60_000))])
      expect(ended).toEqual({ code: 0, signal: null })
    } finally {
      child.kill('SIGKILL')
      await state.remove()
    }
  }, 120_000)
})
