// CPU time of another process, from /proc/<pid>/stat (Linux).
import { readFileSync } from 'node:fs'

// /proc reports times in USER_HZ ticks, which Linux fixes at 100 per second for user space.
const USER_HZ = 100

/** User + system CPU seconds `pid` has used so far; throws naming the pid where /proc cannot tell. */
export function processCpuSeconds(pid: number): number {
  let stat: string
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  } catch (err) {
    throw new Error(`cannot read CPU time of process ${pid} from /proc (Linux only): ${(err as Error).message}`)
  }
  // Fields after "(comm)": state is the 1st, utime the 12th and stime the 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const ticks = Number(fields[11]) + Number(fields[12])
  if (!Number.isFinite(ticks)) throw new Error(`unexpected /proc/${pid}/stat format: ${stat.slice(0, 120)}`)
  return ticks / USER_HZ
}

/** User + system CPU seconds of this process. */
export function ownCpuSeconds(): number {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1e6
}
