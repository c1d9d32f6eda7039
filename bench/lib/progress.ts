// Progress while a benchmark runs, on stderr so stdout keeps only the report. On a terminal one
// line is rewritten in place; otherwise a line is printed at most every few seconds. Under
// bench/run.ts (RUNNER_ENV set) lines are prefixed for the runner, which shows them in its own
// status line.

export const RUNNER_ENV = 'KSTREAMS_BENCH_RUNNER'
export const RUNNER_PREFIX = 'progress: '

type Mode = 'tty' | 'lines' | 'runner'

export class Progress {
  private last = 0
  private pending: string | null = null
  private shown = false
  private readonly mode: Mode
  private readonly everyMs: number

  constructor(private readonly out: NodeJS.WriteStream = process.stderr, opts: { mode?: Mode; linesEveryMs?: number } = {}) {
    this.mode = opts.mode ?? (process.env[RUNNER_ENV] ? 'runner' : out.isTTY ? 'tty' : 'lines')
    this.everyMs = this.mode === 'tty' ? 100 : this.mode === 'runner' ? 250 : (opts.linesEveryMs ?? 5000)
  }

  /** Shows `text` now if the last update is old enough; otherwise keeps it for the next one or done(). */
  update(text: string): void {
    const now = Date.now()
    if (now - this.last < this.everyMs) {
      this.pending = text
      return
    }
    this.last = now
    this.pending = null
    this.write(text)
  }

  /** Ends the progress line; `text`, when given, stays as a line of its own (e.g. a repetition's result). */
  done(text?: string): void {
    this.pending = null
    if (this.mode === 'tty') {
      if (text !== undefined) this.out.write(`\r\x1b[K${text}\n`)
      else if (this.shown) this.out.write('\n')
    } else if (text !== undefined) {
      this.out.write(`${text}\n`)
    }
    this.shown = false
    this.last = 0
  }

  private write(text: string): void {
    this.shown = true
    if (this.mode === 'tty') this.out.write(`\r\x1b[K${text}`)
    else if (this.mode === 'runner') this.out.write(`${RUNNER_PREFIX}${text}\n`)
    else this.out.write(`${text}\n`)
  }
}

let shared: Progress | null = null

/** The process-wide progress line. */
export function progress(text: string): void {
  ;(shared ??= new Progress()).update(text)
}

export function progressDone(text?: string): void {
  shared?.done(text)
}
