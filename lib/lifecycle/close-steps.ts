interface Step {
  name: string
  fn: () => Promise<unknown>
  done: boolean
  running: Promise<void> | null
}

/**
 * Named clean-up steps run in order (a later client may be needed by an earlier step's final
 * commit). When close() gives up waiting, `hurry` starts every step not started yet at once, so
 * the clients are released even while an earlier step still waits on the broker.
 */
export class CloseSteps {
  private readonly steps: Step[] = []

  constructor(
    private readonly onError: (name: string, err: unknown) => void,
    private readonly onDone: (name: string, ms: number) => void = () => {},
  ) {}

  add(name: string, fn: () => Promise<unknown>): void {
    this.steps.push({ name, fn, done: false, running: null })
  }

  async runInOrder(): Promise<void> {
    for (const s of this.steps) await this.start(s)
  }

  hurry(): Promise<void> {
    return Promise.all(this.steps.map(s => this.start(s))).then(() => {})
  }

  /** Steps not finished (running or not started), in order. */
  unfinished(): string[] {
    return this.steps.filter(s => !s.done).map(s => s.name)
  }

  private start(s: Step): Promise<void> {
    if (s.running) return s.running
    const started = Date.now()
    s.running = (async () => {
      try {
        await s.fn()
      } catch (err) {
        this.onError(s.name, err)
      }
      s.done = true
      this.onDone(s.name, Date.now() - started)
    })()
    return s.running
  }
}

/** Resolves `true` when `work` settles within `timeoutMs`, `false` when the time runs out first. */
export function withinTimeout(work: Promise<unknown>, timeoutMs: number | undefined): Promise<boolean> {
  const settled = work.then(() => true, () => true)
  if (timeoutMs === undefined) return settled
  let timer: NodeJS.Timeout | undefined
  const expired = new Promise<boolean>(resolve => {
    timer = setTimeout(() => resolve(false), timeoutMs)
  })
  return Promise.race([settled, expired]).finally(() => clearTimeout(timer))
}
