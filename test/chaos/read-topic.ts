// Reads a whole topic read_committed with kcat (librdkafka: filters aborted records as Java's
// consumer does, and is independent of the clients kstreams uses).
import { spawn } from 'node:child_process'
import { track } from './children.js'
import { onLines } from './lines.js'

export interface TopicRecord {
  partition: number
  offset: number
  key: string
  value: string
}

export async function readTopic(brokers: string[], topic: string, each: (r: TopicRecord) => void, timeoutMs = 300_000): Promise<void> {
  const args = ['-C', '-b', brokers.join(','), '-t', topic, '-o', 'beginning', '-e', '-q', '-X', 'isolation.level=read_committed', '-f', '%p\t%o\t%k\t%s\n']
  const proc = track(spawn('kcat', args, { stdio: ['ignore', 'pipe', 'pipe'] }))
  let stderr = ''
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  onLines(proc.stdout, null, line => {
    const a = line.indexOf('\t')
    const b = line.indexOf('\t', a + 1)
    const c = line.indexOf('\t', b + 1)
    if (a < 0 || b < 0 || c < 0) return
    each({ partition: Number(line.slice(0, a)), offset: Number(line.slice(a + 1, b)), key: line.slice(b + 1, c), value: line.slice(c + 1) })
  })
  const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs)
  const code = await new Promise<number | null>(resolve => proc.on('close', c => resolve(c)))
  clearTimeout(timer)
  if (code !== 0) throw new Error(`kcat reading ${topic} exited with ${code}: ${stderr.slice(-1000)}`)
}
