// One client connection: size-prefixed frames in, responses out in request order.
// Like Kafka, a connection's requests are handled one at a time; a request that waits (a
// long-polling fetch, a JoinGroup) holds back the ones behind it on that connection only.
// Anything malformed closes this connection and nothing else.

import type { Socket } from 'node:net'
import {
  ErrorCode, Reader, Writer, readRequestHeader, requestHeaderVersion, responseHeaderVersion, writeResponseHeader,
} from '../../protocol/index.js'
import type { BrokerContext, RequestContext, RequestHeader } from './context.js'
import { errorResponse } from './error-response.js'
import type { FetchResponse } from '../../protocol/messages/fetch.js'
import type { Faults } from './faults.js'
import { SERVED_APIS, servedApi, type ServedApi } from './handlers/index.js'
import { apiVersionsBody } from './handlers/api-versions.js'

const API_VERSIONS_KEY = 18
const FETCH_KEY = 1
/** Responses may carry fields a version lacks (one body serves every version): those are left out. */
const RESPONSE_WRITE = { omitAbsent: true } as const

/** Kafka's socket.request.max.bytes. */
export const MAX_REQUEST_BYTES = 104_857_600

export interface ConnectionEvents {
  onError(conn: Connection, reason: string): void
  onClose(conn: Connection): void
}

export class Connection {
  private chunks: Buffer[] = []
  private buffered = 0
  private frameSize = -1
  private readonly queue: Buffer[] = []
  private busy = false
  private closed = false
  private readonly clientHost: string

  constructor(
    readonly socket: Socket,
    private readonly broker: BrokerContext,
    private readonly faults: Faults,
    private readonly events: ConnectionEvents,
  ) {
    this.clientHost = '/' + (socket.remoteAddress ?? 'unknown').replace(/^::ffff:/, '')
    socket.setNoDelay(true)
    socket.on('data', (d: Buffer) => this.onData(d))
    socket.on('error', () => this.close())
    socket.on('close', () => this.close())
  }

  close(reason?: string): void {
    if (this.closed) return
    this.closed = true
    if (reason) this.events.onError(this, reason)
    this.queue.length = 0
    this.chunks = []
    this.socket.destroy()
    this.events.onClose(this)
  }

  private onData(data: Buffer): void {
    if (this.closed) return
    this.chunks.push(data)
    this.buffered += data.length
    for (;;) {
      if (this.frameSize < 0) {
        if (this.buffered < 4) break
        const size = this.take(4).readInt32BE(0)
        if (size < 8 || size > MAX_REQUEST_BYTES) {
          this.close(`invalid request size ${size}`)
          return
        }
        this.frameSize = size
      }
      if (this.buffered < this.frameSize) break
      this.queue.push(this.take(this.frameSize))
      this.frameSize = -1
    }
    this.pump()
  }

  // The next n bytes; a view when they sit in one chunk, a copy when they span several.
  private take(n: number): Buffer {
    const head = this.chunks[0]!
    let out: Buffer
    if (head.length >= n) {
      out = head.subarray(0, n)
      if (head.length === n) this.chunks.shift()
      else this.chunks[0] = head.subarray(n)
    } else {
      out = Buffer.allocUnsafe(n)
      let at = 0
      while (at < n) {
        const c = this.chunks[0]!
        const k = Math.min(c.length, n - at)
        c.copy(out, at, 0, k)
        at += k
        if (k === c.length) this.chunks.shift()
        else this.chunks[0] = c.subarray(k)
      }
    }
    this.buffered -= n
    return out
  }

  private pump(): void {
    while (!this.busy && !this.closed && this.queue.length > 0) {
      this.handle(this.queue.shift()!)
    }
  }

  private handle(frame: Buffer): void {
    let header: RequestHeader
    let api: ServedApi | undefined
    let body: unknown
    try {
      if (frame.length < 8) throw new Error(`frame of ${frame.length} bytes is shorter than a request header`)
      const apiKey = frame.readInt16BE(0)
      const apiVersion = frame.readInt16BE(2)
      api = servedApi(apiKey)
      if (!api) {
        this.close(`unknown API key ${apiKey}`)
        return
      }
      const r = new Reader(frame)
      if (apiVersion < api.minVersion || apiVersion > api.maxVersion) {
        const h = readRequestHeader(r, 1)
        if (apiKey === API_VERSIONS_KEY) {
          // Answered at v0 so any client can read the supported ranges and retry.
          this.send(api, 0, h.correlationId, apiVersionsBody(ErrorCode.UNSUPPORTED_VERSION, SERVED_APIS))
          return
        }
        this.close(`unsupported ${api.name} version ${apiVersion} (supported ${api.minVersion}-${api.maxVersion})`)
        return
      }
      const h = readRequestHeader(r, requestHeaderVersion(apiKey, apiVersion))
      header = { apiKey, apiVersion, correlationId: h.correlationId, clientId: h.clientId }
      body = api.read(r, apiVersion)
    } catch (err) {
      this.close(`malformed request: ${(err as Error).message}`)
      return
    }
    const request: RequestContext = { header, clientHost: this.clientHost }
    const failure = this.faults.active ? this.faults.takeFailure(api.key) : 0
    const delay = this.faults.active ? this.faults.delayFor(api.key) : 0
    let result: unknown
    try {
      result = failure
        ? errorResponse(api.key, body as Record<string, any>, failure, header.apiVersion)
        : api.handle(body, this.broker, request)
    } catch (err) {
      this.close(`${api.name} failed: ${(err as Error).stack ?? err}`)
      return
    }
    if (delay > 0) result = Promise.resolve(result).then((r) => new Promise((res) => setTimeout(() => res(r), delay)))
    if (api.key === FETCH_KEY && this.faults.active) {
      const faults = this.faults
      result = Promise.resolve(result).then((r) => (r ? faults.maybeCorruptFetch(r as FetchResponse) : r))
    }
    if (result instanceof Promise) {
      this.busy = true
      const a = api
      result.then(
        (r) => {
          this.busy = false
          if (r !== null) this.send(a, header.apiVersion, header.correlationId, r)
          this.pump()
        },
        (err: Error) => this.close(`${a.name} failed: ${err?.stack ?? err}`),
      )
      return
    }
    if (result !== null) this.send(api, header.apiVersion, header.correlationId, result)
  }

  private send(api: ServedApi, version: number, correlationId: number, body: unknown): void {
    if (this.closed) return
    let chunks: Buffer[]
    try {
      const w = new Writer(256)
      w.int32(0) // size, patched below
      writeResponseHeader(w, { correlationId }, responseHeaderVersion(api.key, version))
      api.write(w, body, version, RESPONSE_WRITE)
      const size = w.length - 4
      chunks = w.finish()
      chunks[0]!.writeInt32BE(size, 0)
    } catch (err) {
      this.close(`cannot encode ${api.name} v${version} response: ${(err as Error).message}`)
      return
    }
    if (chunks.length === 1) {
      this.socket.write(chunks[0]!)
      return
    }
    this.socket.cork()
    for (const c of chunks) this.socket.write(c)
    this.socket.uncork()
  }
}
