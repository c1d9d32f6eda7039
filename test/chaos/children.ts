// Every process the harness starts, so that all of them die with it, whatever way it ends
// (children also exit when their stdin closes; this covers a child that is SIGSTOPped).
import type { ChildProcess } from 'node:child_process'

const live = new Set<ChildProcess>()
let hooked = false

export function track<T extends ChildProcess>(proc: T): T {
  live.add(proc)
  proc.once('exit', () => live.delete(proc))
  if (!hooked) {
    hooked = true
    process.once('exit', () => {
      for (const p of live) p.kill('SIGKILL')
    })
  }
  return proc
}
