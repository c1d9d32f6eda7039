// A bare protocol client for broker tests: sends frames built by the codec, reads responses.
import { connect, type Socket } from 'node:net'
import type { ApiSchema } from '../../../broker/protocol/schema.js'
import { decodeResponse, encodeRequest } from '../../../broker/protocol/messages.js'
import type { Message } from '../../../broker/protocol/codec.js'

export class RawClient {
  private buf = Buffer.alloc(0)
  private readonly frames: Buffer[] = []
  private waiters: (() => void)[] = []
  closed = false
  private correlation = 1

  private constructor(readonly socket: Socket) {
    socket.on('data', (d) => {
      this.buf = Buffer.concat([this.buf, d])
      while (this.buf.length >= 4 && this.buf.length >= 4 + this.buf.readInt32BE(0)) {
        const size = this.buf.readInt32BE(0)
        this.frames.push(this.buf.subarray(4, 4 + size))
        this.buf = this.buf.subarray(4 + size)
      }
      this.wake()
    })
    socket.on('close', () => { this.closed = true; this.wake() })
    socket.on('error', () => {})
  }

  static async connect(port: number): Promise<RawClient> {
    const socket = connect({ host: '127.0.0.1', port })
    await new Promise<void>((resolve, reject) => { socket.once('connect', resolve); socket.once('error', reject) })
    return new RawClient(socket)
  }

  private wake(): void {
    const w = this.waiters
    this.waiters = []
    for (const f of w) f()
  }

  write(bytes: Buffer): void {
    this.socket.write(bytes)
  }

  frame(api: ApiSchema, version: number, body: Message): { correlationId: number; bytes: Buffer } {
    const correlationId = this.correlation++
    return { correlationId, bytes: encodeRequest(api, version, correlationId, 'raw-test', body) }
  }

  async request(api: ApiSchema, version: number, body: Message, timeoutMs = 5000): Promise<{ correlationId: number; body: Message }> {
    const f = this.frame(api, version, body)
    this.write(f.bytes)
    const r = await this.response(api, version, timeoutMs)
    if (r.correlationId !== f.correlationId) throw new Error(`expected correlation id ${f.correlationId}, got ${r.correlationId}`)
    return r
  }

  async response(api: ApiSchema, version: number, timeoutMs = 5000): Promise<{ correlationId: number; body: Message }> {
    const frame = await this.nextFrame(timeoutMs)
    return decodeResponse(frame, api, version)
  }

  async nextFrame(timeoutMs = 5000): Promise<Buffer> {
    const deadline = Date.now() + timeoutMs
    while (this.frames.length === 0) {
      if (this.closed) throw new Error('connection closed by the broker')
      const left = deadline - Date.now()
      if (left <= 0) throw new Error('no response in time')
      await new Promise<void>((resolve) => { this.waiters.push(resolve); setTimeout(resolve, left) })
    }
    return this.frames.shift()!
  }

  /** Resolves true once the broker closed the connection (false on timeout). */
  async waitClosed(timeoutMs = 3000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs
    while (!this.closed && Date.now() < deadline) {
      await new Promise<void>((resolve) => { this.waiters.push(resolve); setTimeout(resolve, 50) })
    }
    return this.closed
  }

  close(): void {
    this.socket.destroy()
  }
}
