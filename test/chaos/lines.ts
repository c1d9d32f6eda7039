// Splits a child's output stream into lines and tees it to a log file.
import type { Readable } from 'node:stream'
import type { WriteStream } from 'node:fs'

export function onLines(stream: Readable, log: WriteStream | null, each: (line: string) => void): void {
  let buf = ''
  stream.on('data', (d: Buffer) => {
    const text = d.toString()
    if (log && !log.destroyed) log.write(text)
    buf += text
    let i
    while ((i = buf.indexOf('\n')) >= 0) {
      each(buf.slice(0, i))
      buf = buf.slice(i + 1)
    }
  })
}

export const sleep = (ms: number) => new Promise<void>(r => setTimeout(r, ms))
