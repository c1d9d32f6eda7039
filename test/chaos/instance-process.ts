// One application instance as a child process (tsx). Tracks its states and tells a death the
// harness caused (kill -9) from one the instance inflicted on itself (exit or ERROR).
import { spawn, type ChildProcess } from 'node:child_process'
import { createWriteStream, type WriteStream } from 'node:fs'
import { rm } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import type { InstanceConfig } from './app.js'
import { track } from './children.js'
import { onLines, sleep } from './lines.js'

const APP = fileURLToPath(new URL('./app.ts', import.meta.url))

export interface SelfDeath {
  instance: number
  pid: number | undefined
  at: string
  how: string
}

export class InstanceProcess {
  private proc: ChildProcess | null = null
  private expectingExit = false
  private log: WriteStream
  state = 'NONE'
  stopped = false
  readonly deaths: SelfDeath[] = []

  constructor(
    readonly index: number,
    private readonly config: InstanceConfig,
    logFile: string,
    private readonly onDeath: (d: SelfDeath) => void,
  ) {
    this.log = createWriteStream(logFile, { flags: 'a' })
  }

  get pid(): number | undefined {
    return this.proc?.pid
  }

  get alive(): boolean {
    return !!this.proc && this.proc.exitCode === null && this.proc.signalCode === null
  }

  start(): void {
    if (this.stopped) return
    this.expectingExit = false
    this.state = 'STARTING'
    this.log.write(`--- start ${new Date().toISOString()}\n`)
    const proc = track(spawn(process.execPath, ['--import', 'tsx', APP, JSON.stringify(this.config)], { stdio: ['pipe', 'pipe', 'pipe'] }))
    this.proc = proc
    onLines(proc.stdout!, this.log, line => {
      const m = /^STATE (\w+)/.exec(line)
      if (!m || this.proc !== proc) return
      this.state = m[1]!
      if (this.state === 'PENDING_ERROR' && !this.expectingExit) this.died('reached PENDING_ERROR')
      else if (this.state === 'ERROR' && !this.expectingExit && this.deaths.at(-1)?.pid !== proc.pid) this.died('reached ERROR')
    })
    proc.stderr!.on('data', (d: Buffer) => this.log.write(d))
    proc.once('exit', (code, signal) => {
      if (this.proc !== proc) return
      if (!this.expectingExit && this.state !== 'ERROR' && this.state !== 'PENDING_ERROR') this.died(`exited (code ${code}, signal ${signal})`)
      this.state = 'EXITED'
    })
  }

  private died(how: string): void {
    const d = { instance: this.index, pid: this.proc?.pid, at: new Date().toISOString(), how }
    this.deaths.push(d)
    this.onDeath(d)
  }

  /** kill -9 (the harness's fault, not a self-inflicted death). */
  async kill9(): Promise<void> {
    const proc = this.proc
    this.expectingExit = true
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return
    const exited = new Promise(r => proc.once('exit', r))
    proc.kill('SIGKILL')
    await exited
  }

  // Restarts run one at a time: a fault's restart and the restart after a self-inflicted death
  // must never overlap, or two processes would share (and one wipe) the same state dir.
  private ops: Promise<void> = Promise.resolve()

  /** Restarts after a kill -9, keeping or wiping the state dir. */
  restart(freshStateDir: boolean): Promise<void> {
    const op = this.ops.then(async () => {
      await this.kill9()
      if (freshStateDir) await rm(this.config.stateDir, { recursive: true, force: true })
      this.start()
    })
    this.ops = op.catch(() => {})
    return op
  }

  /** Restarts the process that died by itself, unless it was restarted (or stopped) since. */
  restartAfterDeath(pid: number | undefined): Promise<void> {
    const op = this.ops.then(async () => {
      if (this.proc?.pid !== pid || this.stopped) return
      await this.kill9()
      this.start()
    })
    this.ops = op.catch(() => {})
    return op
  }

  /** True while SIGSTOPped: its last reported state is stale. */
  paused = false
  pause(): void {
    this.paused = true
    this.proc?.kill('SIGSTOP')
  }
  resume(): void {
    this.proc?.kill('SIGCONT')
    this.paused = false
  }

  /** Waits until RUNNING; false if it is not within the timeout. */
  async waitRunning(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs
    while (Date.now() < deadline) {
      if (this.state === 'RUNNING') return true
      await sleep(100)
    }
    return false
  }

  /** Kills the process for good: a restart scheduled after a death does nothing any more. */
  async stop(): Promise<void> {
    this.stopped = true
    this.proc?.kill('SIGCONT')
    await this.kill9()
    await new Promise(r => this.log.end(r))
  }
}
