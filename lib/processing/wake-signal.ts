/** Lets the processing loop sleep until records arrive or a timeout passes, without polling. */
export class WakeSignal {
  private resolve: (() => void) | null = null
  private timer: NodeJS.Timeout | null = null
  private pending = false

  wake(): void {
    if (this.resolve) {
      const r = this.resolve
      this.resolve = null
      if (this.timer) clearTimeout(this.timer)
      this.timer = null
      r()
    } else {
      this.pending = true
    }
  }

  wait(ms: number): Promise<void> {
    if (this.pending) {
      this.pending = false
      return Promise.resolve()
    }
    return new Promise(res => {
      this.resolve = res
      this.timer = setTimeout(() => {
        this.resolve = null
        this.timer = null
        res()
      }, Math.max(0, ms))
    })
  }
}
