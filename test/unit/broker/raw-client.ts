// A bare protocol client for broker tests: sends frames built by the generated codecs, reads responses.
import { connect, type Socket } from 'node:net'
import { APIS, decodeResponse, encodeRequest, type ApiInfo } from '../../../protocol/index.js'

export type Message = Record<string, any>

const api = (name: string): ApiInfo => APIS.find((a) => a.name === name)!
/** The APIs by name, for `request(Metadata, 12, {...})`. */
export const Produce = api('Produce'), Fetch = api('Fetch'), ListOffsets = api('ListOffsets'), Metadata = api('Metadata')
export const OffsetCommit = api('OffsetCommit'), OffsetFetch = api('OffsetFetch'), FindCoordinator = api('FindCoordinator')
export const JoinGroup = api('JoinGroup'), Heartbeat = api('Heartbeat'), LeaveGroup = api('LeaveGroup'), SyncGroup = api('SyncGroup')
export const DescribeGroups = api('DescribeGroups'), ListGroups = api('ListGroups'), ApiVersions = api('ApiVersions')
export const CreateTopics = api('CreateTopics'), DeleteTopics = api('DeleteTopics'), DeleteRecords = api('DeleteRecords')
export const InitProducerId = api('InitProducerId'), AddPartitionsToTxn = api('AddPartitionsToTxn'), AddOffsetsToTxn = api('AddOffsetsToTxn')
export const EndTxn = api('EndTxn'), TxnOffsetCommit = api('TxnOffsetCommit'), DescribeConfigs = api('DescribeConfigs')
export const AlterConfigs = api('AlterConfigs'), CreatePartitions = api('CreatePartitions'), DeleteGroups = api('DeleteGroups')

/** A size-prefixed request frame. */
export function requestFrame(info: ApiInfo, version: number, correlationId: number, clientId: string | null, body: Message): Buffer {
  const frame = encodeRequest({ requestApiKey: info.key, requestApiVersion: version, correlationId, clientId }, body)
  const size = Buffer.allocUnsafe(4)
  size.writeInt32BE(frame.length, 0)
  return Buffer.concat([size, frame])
}

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

  frame(api: ApiInfo, version: number, body: Message): { correlationId: number; bytes: Buffer } {
    const correlationId = this.correlation++
    return { correlationId, bytes: requestFrame(api, version, correlationId, 'raw-test', body) }
  }

  async request(api: ApiInfo, version: number, body: Message, timeoutMs = 5000): Promise<{ correlationId: number; body: Message }> {
    const f = this.frame(api, version, body)
    this.write(f.bytes)
    const r = await this.response(api, version, timeoutMs)
    if (r.correlationId !== f.correlationId) throw new Error(`expected correlation id ${f.correlationId}, got ${r.correlationId}`)
    return r
  }

  async response(api: ApiInfo, version: number, timeoutMs = 5000): Promise<{ correlationId: number; body: Message }> {
    const frame = await this.nextFrame(timeoutMs)
    const r = decodeResponse(api.key, version, frame)
    return { correlationId: r.header.correlationId, body: r.body }
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
