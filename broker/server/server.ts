// The TCP listener: accepts connections and hands each to a Connection.

import { createServer, type Server } from 'node:net'
import type { BrokerContext } from './context.js'
import { Connection } from './connection.js'
import { Faults } from './faults.js'

export interface KafkaServerOptions {
  host: string
  port: number
  /** Called with a reason whenever a connection is closed for bad input or a failed handler. */
  onConnectionError?: (reason: string) => void
}

export class KafkaServer {
  private server: Server | null = null
  private readonly connections = new Set<Connection>()
  readonly faults: Faults

  constructor(private readonly broker: BrokerContext, private readonly opts: KafkaServerOptions) {
    this.faults = new Faults(() => this.dropConnections())
  }

  /** Listens and resolves with the bound port. */
  async listen(): Promise<number> {
    const server = createServer((socket) => {
      const conn = new Connection(socket, this.broker, this.faults, {
        onError: (_c, reason) => this.opts.onConnectionError?.(reason),
        onClose: (c) => this.connections.delete(c),
      })
      this.connections.add(conn)
    })
    this.server = server
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen({ host: this.opts.host, port: this.opts.port, exclusive: true }, () => {
        server.off('error', reject)
        resolve()
      })
    })
    const address = server.address()
    if (address === null || typeof address === 'string') throw new Error('server has no TCP address')
    return address.port
  }

  get connectionCount(): number {
    return this.connections.size
  }

  dropConnections(): void {
    for (const c of [...this.connections]) c.close()
  }

  async close(): Promise<void> {
    const server = this.server
    this.server = null
    this.dropConnections()
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()))
  }
}
