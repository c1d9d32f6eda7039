// Raw sockets that send the broker frames no client would: garbage, a truncated frame, a frame
// claiming to be huge. The broker must close each such connection; everyone else goes on.
import { connect } from 'node:net'

export interface MalformedOutcome {
  frame: string
  closedByBroker: boolean
}

function probe(port: number, frame: string, bytes: Buffer, endOurSide: boolean, timeoutMs: number): Promise<MalformedOutcome> {
  return new Promise(resolve => {
    const s = connect({ host: '127.0.0.1', port })
    let done = false
    const finish = (closedByBroker: boolean) => {
      if (done) return
      done = true
      clearTimeout(timer)
      s.destroy()
      resolve({ frame, closedByBroker })
    }
    const timer = setTimeout(() => finish(false), timeoutMs)
    s.on('error', () => finish(true))
    s.on('close', () => finish(true))
    s.on('end', () => finish(true))
    s.on('connect', () => {
      s.write(bytes)
      // A truncated frame is only over when the sender goes away; the broker must then let go.
      if (endOurSide) s.end()
    })
  })
}

export async function sendMalformedFrames(port: number, timeoutMs = 10_000): Promise<MalformedOutcome[]> {
  const garbage = Buffer.alloc(64)
  for (let i = 0; i < garbage.length; i++) garbage[i] = (i * 37 + 11) & 0xff
  garbage.writeInt32BE(60, 0) // a plausible length, then bytes that are no request header
  const truncated = Buffer.alloc(14)
  truncated.writeInt32BE(100, 0) // claims 100 bytes, sends 10
  const oversized = Buffer.alloc(8)
  oversized.writeInt32BE(0x7fffffff, 0)
  const negative = Buffer.alloc(8)
  negative.writeInt32BE(-5, 0)
  return Promise.all([
    probe(port, 'garbage', garbage, false, timeoutMs),
    probe(port, 'truncated', truncated, true, timeoutMs),
    probe(port, 'oversized', oversized, false, timeoutMs),
    probe(port, 'negative-length', negative, false, timeoutMs),
  ])
}
