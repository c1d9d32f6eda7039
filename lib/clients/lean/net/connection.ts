import { Socket, connect as netConnect } from 'node:net'
import { connect as tlsConnect } from 'node:tls'
import { apiInfo, requestHeaderVersion, responseHeaderVersion } from '../../../../protocol/headers.js'
import { RequestHeaderSchema } from '../../../../protocol/messages/headers.js'
import { readMessage, writeMessage } from '../../../../protocol/runtime/codec.js'
import { Reader } from '../../../../protocol/runtime/reader.js'
import { Writer } from '../../../../protocol/runtime/writer.js'
import { BrokerNetworkError, CorruptResponseError, KafkaResponseError } from '../errors.js'
import { Api, apiName, type ApiKey, type RequestOf, type ResponseOf } from './apis.js'
import { FrameReader } from './frames.js'
import { DEFAULT_CONNECTION_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT_MS, type ConnectionSettings } from './options.js'
import { negotiate, type BrokerVersions } from './versions.js'
import { authenticate } from './sasl/authenticate.js'

interface InFlight {
  key: number
  version: number
  resolve: (body: any) => void
  reject: (err: Error) => void
  timer: NodeJS.Timeout | null
}

/** A request body, or a function building it for the version the connection negotiated. */
export type RequestBody<K extends ApiKey> = RequestOf<K> | ((version: number) => RequestOf<K>)

export interface RequestOptions {
  /** Overrides the request timeout (a fetch waits its max wait on top). */
  timeoutMs?: number
}

/**
 * One TCP (or TLS) connection to one broker: frames requests with correlation ids, matches
 * answers to the requests in flight, times requests out, negotiates API versions (the highest
 * both sides speak) and authenticates with SASL when configured. Lost connections fail every
 * request in flight with a retriable BrokerNetworkError; the next request reconnects.
 */
export class BrokerConnection {
  readonly address: string
  private socket: Socket | null = null
  private connecting: Promise<void> | null = null
  private versions: BrokerVersions | null = null
  private readonly inFlight = new Map<number, InFlight>()
  private nextCorrelationId = 1
  private readonly frames = new FrameReader(frame => this.onFrame(frame))

  constructor(
    readonly host: string,
    readonly port: number,
    private readonly settings: ConnectionSettings,
    /** The broker's node id when known (-1 for a bootstrap address). */
    readonly nodeId = -1,
  ) {
    this.address = `${host}:${port}`
  }

  get connected(): boolean {
    return this.socket !== null && this.connecting === null
  }

  /** Opens the connection if needed (shared by concurrent callers). */
  connect(): Promise<void> {
    if (this.socket && !this.connecting) return Promise.resolve()
    this.connecting ??= this.open().finally(() => {
      this.connecting = null
    })
    return this.connecting
  }

  /** The version this connection speaks of an API; throws if the broker does not offer it. */
  versionOf(key: ApiKey): number {
    if (!this.versions) throw new BrokerNetworkError('closed', this.address, `Not connected to broker ${this.address}`)
    const v = this.versions.get(key)
    if (v === undefined) {
      throw new KafkaResponseError(35, this.address, apiName(key), null, `the broker offers no version of ${apiName(key)} this client speaks`)
    }
    return v
  }

  /** Sends a request (connecting first if needed) and resolves with the broker's answer. */
  async request<K extends ApiKey>(key: K, body: RequestBody<K>, opts?: RequestOptions): Promise<ResponseOf<K>> {
    if (!this.socket || this.connecting) await this.connect()
    const version = this.versionOf(key)
    return this.send(key, version, typeof body === 'function' ? body(version) : body, opts?.timeoutMs)
  }

  /** Sends at a given version on the open socket (the handshake uses it before versions are known). */
  send<K extends ApiKey>(key: K, version: number, body: RequestOf<K>, timeoutMs?: number): Promise<ResponseOf<K>> {
    return this.dispatch(key, version, id => encodeFrame(key, version, id, this.settings.clientId, body), timeoutMs)
  }

  /**
   * Sends a request whose frame the caller writes itself, as chunks the socket writes in one go
   * (a produce request's record batches are written where they lie, not copied into the frame).
   */
  async requestFrame<K extends ApiKey>(key: K, frame: (version: number, correlationId: number, clientId: string) => Buffer[], opts?: RequestOptions): Promise<ResponseOf<K>> {
    if (!this.socket || this.connecting) await this.connect()
    const version = this.versionOf(key)
    return this.dispatch(key, version, id => frame(version, id, this.settings.clientId), opts?.timeoutMs)
  }

  private dispatch<K extends ApiKey>(key: K, version: number, encode: (correlationId: number) => Buffer | Buffer[], timeoutMs?: number): Promise<ResponseOf<K>> {
    const socket = this.socket
    if (!socket) return Promise.reject(new BrokerNetworkError('closed', this.address, `${apiName(key)} v${version}: not connected to broker ${this.address}`))
    const correlationId = this.nextCorrelationId
    this.nextCorrelationId = correlationId === 0x7fffffff ? 1 : correlationId + 1
    let frame: Buffer | Buffer[]
    try {
      frame = encode(correlationId)
    } catch (err) {
      return Promise.reject(err)
    }
    return new Promise<ResponseOf<K>>((resolve, reject) => {
      const entry: InFlight = { key, version, resolve, reject, timer: null }
      const ms = timeoutMs ?? this.settings.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS
      entry.timer = setTimeout(() => {
        if (this.inFlight.delete(correlationId)) {
          reject(new BrokerNetworkError('timeout', this.address, `${apiName(key)} v${version} to broker ${this.address} timed out after ${ms} ms`))
        }
      }, ms)
      this.inFlight.set(correlationId, entry)
      if (Buffer.isBuffer(frame)) {
        socket.write(frame)
      } else {
        socket.cork()
        for (const chunk of frame) socket.write(chunk)
        socket.uncork()
      }
    })
  }

  /** Closes the connection; requests in flight fail. A later request opens it again. */
  close(): void {
    const socket = this.socket
    if (socket) this.lost(socket, 'closed by the client')
  }

  private async open(): Promise<void> {
    const socket = await this.openSocket()
    this.socket = socket
    this.frames.reset()
    socket.on('data', chunk => this.frames.push(chunk))
    socket.on('error', () => {}) // 'close' follows and reports it
    socket.on('close', () => this.lost(socket, 'connection closed'))
    const timeoutMs = this.settings.connectionTimeoutMs ?? DEFAULT_CONNECTION_TIMEOUT_MS
    try {
      this.versions = await negotiate(this, timeoutMs)
      if (this.settings.sasl) await authenticate(this, this.settings.sasl, timeoutMs)
    } catch (err) {
      this.lost(socket, 'handshake failed')
      throw err
    }
  }

  private openSocket(): Promise<Socket> {
    const { ssl } = this.settings
    const timeoutMs = this.settings.connectionTimeoutMs ?? DEFAULT_CONNECTION_TIMEOUT_MS
    return new Promise<Socket>((resolve, reject) => {
      const tlsOptions = typeof ssl === 'object' ? ssl : {}
      const socket: Socket = ssl
        ? tlsConnect({ servername: this.host, ...tlsOptions, host: this.host, port: this.port })
        : netConnect({ host: this.host, port: this.port })
      const ready = ssl ? 'secureConnect' : 'connect'
      const timer = setTimeout(() => fail(new Error(`no connection within ${timeoutMs} ms`)), timeoutMs)
      const fail = (err: Error) => {
        clearTimeout(timer)
        socket.destroy()
        reject(new BrokerNetworkError(ssl ? 'tls' : 'connect', this.address, `Cannot connect to broker ${this.address}: ${err.message}`, { cause: err }))
      }
      socket.once('error', fail)
      socket.once(ready, () => {
        clearTimeout(timer)
        socket.off('error', fail)
        socket.setNoDelay(true)
        resolve(socket)
      })
    })
  }

  private lost(socket: Socket, why: string): void {
    if (this.socket !== socket) return
    this.socket = null
    this.versions = null
    socket.destroy()
    this.frames.reset()
    const pending = [...this.inFlight.values()]
    this.inFlight.clear()
    for (const p of pending) {
      if (p.timer) clearTimeout(p.timer)
      p.reject(new BrokerNetworkError('closed', this.address, `Connection to broker ${this.address} lost (${why}) with ${apiName(p.key)} v${p.version} in flight`))
    }
  }

  private onFrame(frame: Buffer): void {
    if (frame.length < 4) return this.corrupt(`a response of ${frame.length} bytes`)
    const correlationId = frame.readInt32BE(0)
    const entry = this.inFlight.get(correlationId)
    if (!entry) return // answered after its timeout
    this.inFlight.delete(correlationId)
    if (entry.timer) clearTimeout(entry.timer)
    try {
      entry.resolve(decodeBody(entry.key, entry.version, frame))
    } catch (err) {
      entry.reject(new CorruptResponseError(this.address, `Cannot read the ${apiName(entry.key)} v${entry.version} response of broker ${this.address}: ${(err as Error).message}`, { cause: err }))
    }
  }

  private corrupt(what: string): void {
    const socket = this.socket
    if (socket) this.lost(socket, `unreadable answer: ${what}`)
  }
}

/** Size prefix, request header, body: written once into one buffer. */
function encodeFrame(key: number, version: number, correlationId: number, clientId: string, body: object): Buffer {
  const w = new Writer(128)
  w.int32(0)
  writeMessage(RequestHeaderSchema, w, { requestApiKey: key, requestApiVersion: version, correlationId, clientId }, requestHeaderVersion(key, version))
  writeMessage(apiInfo(key).request, w, body, version)
  const frame = w.toBuffer()
  frame.writeInt32BE(frame.length - 4, 0)
  return frame
}

function decodeBody(key: number, version: number, frame: Buffer): unknown {
  const r = new Reader(frame)
  r.int32() // correlation id
  if (responseHeaderVersion(key, version) >= 1) skipTaggedFields(r)
  // A broker that does not speak the ApiVersions version asked answers at v0 with UNSUPPORTED_VERSION.
  if (key === Api.ApiVersions && r.remaining() >= 2 && frame.readInt16BE(r.pos) === 35) version = 0
  return readMessage(apiInfo(key).response, r, version)
}

function skipTaggedFields(r: Reader): void {
  const n = r.uvarint()
  for (let i = 0; i < n; i++) {
    r.uvarint()
    r.skip(r.uvarint())
  }
}
