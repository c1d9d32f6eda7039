// The embedded broker in its own process (broker/cli.ts --control), so it can be killed -9 and
// started again on the same port and data dir; faults go in through its control channel.
import { spawn, type ChildProcess } from 'node:child_process'
import { createWriteStream, type WriteStream } from 'node:fs'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'
import { track } from './children.js'
import { onLines, sleep } from './lines.js'

const CLI = fileURLToPath(new URL('../../broker/cli.ts', import.meta.url))

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port
      s.close(() => resolve(port))
    })
  })
}

export type BrokerCommand =
  | { op: 'dropConnections' }
  | { op: 'failNext'; api: string; count: number; errorCode: number }
  | { op: 'delay'; api: string; ms: number }
  | { op: 'clear' }
  | { op: 'restart' }

export class BrokerProcess {
  private proc: ChildProcess | null = null
  private answers: ((line: string) => void)[] = []
  private log: WriteStream
  private nextId = 1

  constructor(
    readonly port: number,
    readonly dataDir: string,
    logFile: string,
  ) {
    this.log = createWriteStream(logFile, { flags: 'a' })
  }

  get brokers(): string[] {
    return [`127.0.0.1:${this.port}`]
  }

  /** Starts the process and resolves once it listens (retrying while the port is still held). */
  async start(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const proc = track(spawn(process.execPath, ['--import', 'tsx', CLI, '--port', String(this.port), '--data-dir', this.dataDir, '--partitions', '6', '--control'], {
        stdio: ['pipe', 'pipe', 'pipe'],
      }))
      this.proc = proc
      this.answers = []
      const ready = new Promise<boolean>(resolve => {
        onLines(proc.stdout!, this.log, line => {
          if (line.includes('listening on')) resolve(true)
          else if (line.startsWith('{')) this.answers.shift()?.(line)
        })
        proc.stderr!.on('data', (d: Buffer) => this.log.write(d))
        proc.once('exit', () => resolve(false))
      })
      if (await ready) return
      if (attempt >= 20) throw new Error(`broker on port ${this.port} (data dir ${this.dataDir}) did not start after ${attempt} attempts; see its log`)
      await sleep(500)
    }
  }

  get running(): boolean {
    return !!this.proc && this.proc.exitCode === null && this.proc.signalCode === null
  }

  /** Sends one control command and waits for its answer; throws with the broker's message if refused. */
  async command(cmd: BrokerCommand, timeoutMs = 60_000): Promise<void> {
    const proc = this.proc
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) throw new Error(`broker process is not running (command ${cmd.op})`)
    const id = this.nextId++
    const answer = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`broker did not answer ${JSON.stringify(cmd)} within ${timeoutMs} ms`)), timeoutMs)
      this.answers.push(line => {
        clearTimeout(timer)
        resolve(line)
      })
      proc.stdin!.write(JSON.stringify({ ...cmd, id }) + '\n')
    })
    const a = JSON.parse(answer) as { ok: boolean; error?: string }
    if (!a.ok) throw new Error(`broker refused ${JSON.stringify(cmd)}: ${a.error}`)
  }

  /** kill -9: no chance to flush anything. */
  async kill9(): Promise<void> {
    const proc = this.proc
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return
    const exited = new Promise(r => proc.once('exit', r))
    proc.kill('SIGKILL')
    await exited
  }

  async stop(): Promise<void> {
    await this.kill9()
    await new Promise(r => this.log.end(r))
  }
}
