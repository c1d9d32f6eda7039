import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EmbeddedSchemaRegistry } from '../../../broker/index.js'
import { Serdes, SerializationError } from '../../../topology/index.js'

const hex = (b: Buffer | null) => (b === null ? null : b.toString('hex'))

describe('primitive serdes are byte-compatible with Java Kafka', () => {
  it('Long: 8-byte big-endian two’s complement', () => {
    const s = Serdes.Long()
    expect(hex(s.serialize('t', 1))).toBe('0000000000000001')
    expect(hex(s.serialize('t', -1))).toBe('ffffffffffffffff')
    expect(hex(s.serialize('t', 2 ** 40 + 5))).toBe('0000010000000005')
    expect(hex(s.serialize('t', -(2 ** 33)))).toBe('fffffffe00000000')
    expect(hex(s.serialize('t', Number.MAX_SAFE_INTEGER))).toBe('001fffffffffffff')
    for (const n of [0, 1, -1, 255, -256, 2 ** 32, -(2 ** 32) - 1, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER]) {
      expect(s.deserialize('t', s.serialize('t', n))).toBe(n)
    }
    expect(s.serialize('t', null)).toBeNull()
    expect(s.deserialize('t', null)).toBeNull()
  })

  it('Long rejects non-integers, unsafe values and wrong lengths, naming the topic', () => {
    const s = Serdes.Long()
    expect(() => s.serialize('orders', 1.5)).toThrow(/safe integer.*orders/)
    expect(() => s.deserialize('orders', Buffer.alloc(4))).toThrow(/8 bytes but got 4 from topic "orders"/)
    expect(() => s.deserialize('orders', Buffer.from('7fffffffffffffff', 'hex'))).toThrow(SerializationError)
  })

  it('Long names Serdes.BigLong() for a Java long it cannot hold exactly', () => {
    const s = Serdes.Long()
    expect(() => s.deserialize('ids', Buffer.from('0020000000000000', 'hex'))).toThrow(/9007199254740992 from topic "ids".*Serdes\.BigLong\(\)/)
    expect(() => s.serialize('ids', 2 ** 53)).toThrow(/Serdes\.BigLong\(\)/)
  })

  it('BigLong: bigint as 8-byte big-endian two’s complement, the full Java long range', () => {
    const s = Serdes.BigLong()
    const cases: [bigint, string][] = [
      [0n, '0000000000000000'],
      [1n, '0000000000000001'],
      [-1n, 'ffffffffffffffff'],
      [2n ** 53n, '0020000000000000'],
      [2n ** 63n - 1n, '7fffffffffffffff'],
      [-(2n ** 63n), '8000000000000000'],
      [-(2n ** 33n), 'fffffffe00000000'],
    ]
    for (const [n, bytes] of cases) {
      expect(hex(s.serialize('t', n))).toBe(bytes)
      expect(s.deserialize('t', Buffer.from(bytes, 'hex'))).toBe(n)
    }
    expect(s.serialize('t', null)).toBeNull()
    expect(s.deserialize('t', null)).toBeNull()
  })

  it('BigLong rejects values outside 64 bits, numbers and wrong lengths, naming the topic', () => {
    const s = Serdes.BigLong()
    expect(() => s.serialize('ids', 2n ** 63n)).toThrow(/signed 64-bit value, got 9223372036854775808 for topic "ids"/)
    expect(() => s.serialize('ids', -(2n ** 63n) - 1n)).toThrow(SerializationError)
    expect(() => s.serialize('ids', 5 as unknown as bigint)).toThrow(/needs a bigint, got a number for topic "ids"/)
    expect(() => s.deserialize('ids', Buffer.alloc(7))).toThrow(/8 bytes but got 7 from topic "ids"/)
  })

  it('Integer: 4-byte big-endian', () => {
    const s = Serdes.Integer()
    expect(hex(s.serialize('t', 1))).toBe('00000001')
    expect(hex(s.serialize('t', -2))).toBe('fffffffe')
    expect(s.deserialize('t', Buffer.from('80000000', 'hex'))).toBe(-2147483648)
    expect(() => s.serialize('t', 2 ** 31)).toThrow(/32-bit integer/)
  })

  it('Double: 8-byte IEEE-754 big-endian', () => {
    const s = Serdes.Double()
    expect(hex(s.serialize('t', 1.5))).toBe('3ff8000000000000')
    expect(hex(s.serialize('t', -0.1))).toBe('bfb999999999999a')
    expect(s.deserialize('t', Buffer.from('400921fb54442d18', 'hex'))).toBe(Math.PI)
  })

  it('String is UTF-8, Bytes is the Buffer itself, JSON round-trips objects', () => {
    expect(hex(Serdes.String().serialize('t', 'é'))).toBe('c3a9')
    expect(Serdes.String().deserialize('t', Buffer.from('c3a9', 'hex'))).toBe('é')
    const buf = Buffer.from([1, 2, 3])
    expect(Serdes.Bytes().serialize('t', buf)).toBe(buf)
    const json = Serdes.JSON<{ a: number[] }>()
    expect(json.serialize('t', { a: [1] })!.toString()).toBe('{"a":[1]}')
    expect(json.deserialize('t', Buffer.from('{"a":[2]}'))).toEqual({ a: [2] })
    expect(() => json.deserialize('events', Buffer.from('{oops'))).toThrow(/invalid JSON from topic "events"/)
  })
})

describe('Serdes.Avro with a schema registry', () => {
  let registry: Awaited<ReturnType<typeof EmbeddedSchemaRegistry.start>>
  beforeAll(async () => {
    registry = await EmbeddedSchemaRegistry.start({ port: 0 })
  })
  afterAll(async () => {
    await registry.stop()
  })

  const schema = {
    type: 'record',
    name: 'Order',
    fields: [
      { name: 'id', type: 'string' },
      { name: 'amount', type: 'long' },
    ],
  }

  it('writes the Confluent wire format and answers synchronously once the subject is known', async () => {
    const serde = Serdes.Avro<{ id: string; amount: number }>({ schema, registryUrl: registry.url })
    const first = serde.serialize('orders', { id: 'o1', amount: 5 })
    expect(first).toBeInstanceOf(Promise)
    const bytes = (await first) as Buffer
    expect(bytes[0]).toBe(0)
    const id = bytes.readInt32BE(1)
    expect(id).toBeGreaterThan(0)
    const second = serde.serialize('orders', { id: 'o2', amount: 7 })
    expect(Buffer.isBuffer(second)).toBe(true)
    expect((second as Buffer).readInt32BE(1)).toBe(id)

    const reader = Serdes.Avro<{ id: string; amount: number }>({ schema, registryUrl: registry.url })
    expect(await reader.deserialize('orders', bytes)).toEqual({ id: 'o1', amount: 5 })
    expect(reader.deserialize('orders', second as Buffer)).toEqual({ id: 'o2', amount: 7 })
  })

  it('resolves an older writer schema into the reader schema', async () => {
    const v1 = { type: 'record', name: 'User', fields: [{ name: 'name', type: 'string' }] }
    const v2 = { type: 'record', name: 'User', fields: [{ name: 'name', type: 'string' }, { name: 'age', type: 'int', default: -1 }] }
    const writer = Serdes.Avro<{ name: string }>({ schema: v1, registryUrl: registry.url })
    const bytes = (await writer.serialize('users', { name: 'ann' })) as Buffer
    const reader = Serdes.Avro<{ name: string; age: number }>({ schema: v2, registryUrl: registry.url })
    expect(await reader.deserialize('users-copy', bytes)).toEqual({ name: 'ann', age: -1 })
  })

  it('names the offending field of an invalid value', async () => {
    const serde = Serdes.Avro<any>({ schema, registryUrl: registry.url })
    await serde.serialize('orders', { id: 'ok', amount: 1 })
    expect(() => serde.serialize('orders', { id: 'x', amount: 'nope' })).toThrow(/amount/)
  })
})

describe('serdes of stores', () => {
  it('an Avro serde stores plain Avro binary; another async serde fails naming the store topic', async () => {
    const { syncSerde } = await import('../../../topology/dsl/materialize.js')
    const avro = Serdes.Avro<{ n: number }>({ schema: { type: 'record', name: 'N', fields: [{ name: 'n', type: 'int' }] }, registryUrl: 'http://127.0.0.1:1' })
    const store = syncSerde(avro)
    const bytes = store.serialize('app-s-changelog', { n: 3 })!
    expect(bytes.toString('hex')).toBe('06')
    expect(store.deserialize('app-s-changelog', bytes)).toEqual({ n: 3 })
    const lazy = syncSerde<string>({ serialize: async () => Buffer.from('x'), deserialize: () => 'x' })
    expect(() => lazy.serialize('app-s-changelog', 'v')).toThrow(/store topic "app-s-changelog" answered asynchronously/)
    expect(syncSerde(Serdes.String())).toBe(Serdes.String())
  })
})
