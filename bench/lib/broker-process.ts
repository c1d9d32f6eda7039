// The embedded broker in its own process, so it never shares the event loop it serves and its
// CPU time can be measured apart from the clients'.
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { processCpuSeconds } from './cpu.js'

export interface BrokerProcess {
  /** Bootstrap servers: ['127.0.0.1:PORT']. */
  readonly brokers: string[]
  readonly pid: number
  /** User + system CPU seconds the broker process has used so far. */
  cpuSeconds(): number
  /** SIGTERM, then SIGKILL after 5 s; resolves once the process has exited. */
  stop(): Promise<void>
}

const ROOT = join(import.meta.dirname, '..', '..')
const START_TIMEOUT_MS = 30_000

/** Starts `broker/cli.ts --port 0`; `partitions` is its default for new topics. */
export async function startBrokerProcess(opts: { partitions?: number } = {}): Promise<BrokerProcess> {
  const partitions = opts.partitions ?? 1
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'broker', 'cli.ts'), '--port', '0', '--partitions', String(partitions)], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  // Never outlive the benchmark, even when it fails.
  const killOnExit = () => child.kill('SIGKILL')
  process.once('exit', killOnExit)
  let stderr = ''
  child.stderr.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-4000) })
  const exited = new Promise<void>((resolve) => child.once('exit', () => { process.off('exit', killOnExit); resolve() }))

  const address = await new Promise<string>((resolve, reject) => {
    let out = ''
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`broker process did not print its address within ${START_TIMEOUT_MS / 1000} s: ${stderr.trim()}`)) }, START_TIMEOUT_MS)
    const onData = (d: Buffer) => {
      out += d.toString()
      const m = /127\.0\.0\.1:\d+/.exec(out)
      if (!m) return
      clearTimeout(timer)
      child.stdout.off('data', onData)
      child.stdout.resume() // keep draining so the broker never blocks on a full pipe
      resolve(m[0])
    }
    child.stdout.on('data', onData)
    child.once('exit', (code, signal) => { clearTimeout(timer); reject(new Error(`broker process exited (${signal ?? `code ${code}`}) before listening: ${stderr.trim()}`)) })
  })

  const pid = child.pid!
  return {
    brokers: [address],
    pid,
    cpuSeconds: () => processCpuSeconds(pid),
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return
      const kill = setTimeout(() => child.kill('SIGKILL'), 5_000)
      child.kill('SIGTERM')
      await exited
      clearTimeout(kill)
    },
  }
}
