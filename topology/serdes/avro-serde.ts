import type avro from 'avsc'
import type { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry'
import { requireOptional } from './optional-peer.js'
import type { AsyncSerde, Serde } from './serde.js'
import { SerializationError } from './serde-errors.js'

type Avsc = typeof avro
type RegistryClient = typeof import('@kafkajs/confluent-schema-registry')

// Optional peer dependencies: loaded when the first Avro serde is made.
const loadAvsc = (): Avsc => requireOptional<Avsc>('avsc', 'Serdes.Avro()')
const loadRegistryClient = (): RegistryClient =>
  requireOptional<RegistryClient>('@kafkajs/confluent-schema-registry', 'Serdes.Avro()')

export interface AvroSerdeOptions {
  /** The reader/writer schema: an Avro schema object or its JSON text. */
  schema: object | string
  /** Base URL of a Confluent-compatible schema registry. */
  registryUrl: string
  /** Subjects are `<topic>-key` for keys and `<topic>-value` (the default) for values. */
  isKey?: boolean
}

const MAGIC_BYTE = 0
const HEADER_BYTES = 5

/**
 * Avro in the Confluent wire format (magic byte, 4-byte schema id, Avro binary).
 * The registry is consulted once per subject (to register the writer schema) and once
 * per unseen schema id (to resolve a writer schema); after that both directions are
 * synchronous, so the executor pays no promise hop in steady state.
 */
export class AvroSerde<T> implements AsyncSerde<T> {
  private readonly avsc: Avsc
  private readonly avroSchemaType: SchemaType.AVRO
  private readonly type: avro.Type
  private readonly schemaText: string
  private readonly registry: SchemaRegistry
  private readonly idBySubject = new Map<string, number>()
  private readonly pendingIdBySubject = new Map<string, Promise<number>>()
  private readonly pendingReaderById = new Map<number, Promise<unknown>>()
  private readonly resolvers = new Map<number, avro.Resolver | null>()

  constructor(private readonly options: AvroSerdeOptions) {
    if (!options || options.schema === undefined || options.schema === null) {
      throw new TypeError('Serdes.Avro() needs a schema')
    }
    if (typeof options.registryUrl !== 'string' || options.registryUrl.length === 0) {
      throw new TypeError('Serdes.Avro() needs a registryUrl')
    }
    this.avsc = loadAvsc()
    const client = loadRegistryClient()
    const schema = typeof options.schema === 'string' ? JSON.parse(options.schema) : options.schema
    this.type = this.avsc.Type.forSchema(schema)
    this.schemaText = JSON.stringify(schema)
    this.avroSchemaType = client.SchemaType.AVRO
    this.registry = new client.SchemaRegistry({ host: options.registryUrl })
  }

  /**
   * The same schema as plain Avro binary, without the registry: synchronous, for state stores
   * and their changelogs (internal data that only this application reads).
   */
  storeSerde(): Serde<T> {
    const type = this.type
    return {
      serialize: (_topic, data) => (data === null || data === undefined ? null : type.toBuffer(data)),
      deserialize: (_topic, data) => (data === null || data === undefined ? null : (type.fromBuffer(data) as T)),
    }
  }

  private subject(topic: string): string {
    return `${topic}-${this.options.isKey ? 'key' : 'value'}`
  }

  serialize(topic: string, data: T | null): Buffer | null | Promise<Buffer | null> {
    if (data === null || data === undefined) return null
    const subject = this.subject(topic)
    const id = this.idBySubject.get(subject)
    if (id !== undefined) return this.encode(topic, id, data)
    return this.registerSubject(subject, topic).then((registered) => this.encode(topic, registered, data))
  }

  private registerSubject(subject: string, topic: string): Promise<number> {
    let pending = this.pendingIdBySubject.get(subject)
    if (!pending) {
      pending = this.registry
        .register({ type: this.avroSchemaType, schema: this.schemaText }, { subject })
        .then(({ id }) => {
          this.idBySubject.set(subject, id)
          return id
        })
        .catch((err: unknown) => {
          this.pendingIdBySubject.delete(subject)
          throw new SerializationError(
            `Serdes.Avro() could not register the schema under subject "${subject}" for topic "${topic}": ${(err as Error).message}`,
            topic,
            { cause: err },
          )
        })
      this.pendingIdBySubject.set(subject, pending)
    }
    return pending
  }

  private encode(topic: string, id: number, data: T): Buffer {
    const paths: string[] = []
    if (!this.type.isValid(data, { errorHook: (path) => paths.push(path.join('.') || '<root>') })) {
      throw new SerializationError(
        `Serdes.Avro() value for topic "${topic}" does not match the schema at: ${paths.join(', ')}`,
        topic,
      )
    }
    const body = this.type.toBuffer(data)
    const out = Buffer.allocUnsafe(HEADER_BYTES + body.length)
    out.writeUInt8(MAGIC_BYTE, 0)
    out.writeInt32BE(id, 1)
    body.copy(out, HEADER_BYTES)
    return out
  }

  deserialize(topic: string, data: Buffer | null): T | null | Promise<T | null> {
    if (data === null || data === undefined) return null
    if (data.length < HEADER_BYTES || data.readUInt8(0) !== MAGIC_BYTE) {
      throw new SerializationError(`Serdes.Avro() read a record without the Confluent magic byte from topic "${topic}"`, topic)
    }
    const id = data.readInt32BE(1)
    if (this.resolvers.has(id)) return this.decode(id, data)
    return this.lookupWriter(id, topic).then(() => this.decode(id, data))
  }

  private lookupWriter(id: number, topic: string): Promise<unknown> {
    let pending = this.pendingReaderById.get(id)
    if (!pending) {
      pending = this.registry
        .getSchema(id)
        .then((writer) => {
          const avsc = this.avsc
          const writerType = avsc.Type.isType(writer) ? (writer as unknown as avro.Type) : avsc.Type.forSchema(writer as avro.Schema)
          const same = writerType.equals(this.type)
          this.resolvers.set(id, same ? null : this.type.createResolver(writerType))
        })
        .catch((err: unknown) => {
          this.pendingReaderById.delete(id)
          throw new SerializationError(
            `Serdes.Avro() could not fetch schema id ${id} for topic "${topic}": ${(err as Error).message}`,
            topic,
            { cause: err },
          )
        })
      this.pendingReaderById.set(id, pending)
    }
    return pending
  }

  private decode(id: number, data: Buffer): T {
    const resolver = this.resolvers.get(id)
    const body = data.subarray(HEADER_BYTES)
    return (resolver ? this.type.fromBuffer(body, resolver, true) : this.type.fromBuffer(body)) as T
  }
}
