import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import { murmur2, partitionForKey, toPositive } from '../../../lib/clients/partitioner.js'
import { defaultPartition } from '../../../lib/query/key-query-metadata.js'

const require = createRequire(import.meta.url)
const kafkajsMurmur2 = require('kafkajs/src/producer/partitioners/default/murmur2.js') as (key: Buffer) => number

describe('Java-compatible murmur2 partitioning', () => {
  it("matches the values of Kafka's UtilsTest.testMurmur2", () => {
    const cases: Array<[string, number]> = [
      ['21', -973932308],
      ['foobar', -790332482],
      ['a-little-bit-long-string', -985981536],
      ['a-little-bit-longer-string', -1486304829],
      ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
      ['abc', 479470107],
    ]
    for (const [key, hash] of cases) expect(murmur2(Buffer.from(key))).toBe(hash)
  })

  it("matches kafkajs's murmur2 (a port of Java's) on random keys of every tail length, bytes >= 0x80 included", () => {
    let seed = 12345
    const rand = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8
    for (let n = 0; n < 2000; n++) {
      const key = Buffer.alloc(n % 67)
      for (let i = 0; i < key.length; i++) key[i] = rand() & 0xff
      expect(murmur2(key)).toBe(kafkajsMurmur2(key))
    }
  })

  it('toPositive clears the sign bit as Java does (not Math.abs)', () => {
    expect(toPositive(-1)).toBe(0x7fffffff)
    expect(toPositive(-2147483648)).toBe(0)
    expect(toPositive(5)).toBe(5)
  })

  it('picks the partition Java picks for a key, and the key query metadata uses it', () => {
    // toPositive(-790332482) = 1357151166, which 7 divides
    expect(partitionForKey(Buffer.from('foobar'), 7)).toBe(1357151166 % 7)
    expect(partitionForKey(Buffer.from('abc'), 10)).toBe(479470107 % 10)
    expect(defaultPartition(Buffer.from('foobar'), 7)).toBe(0)
    expect(defaultPartition(Buffer.from('abc'), 10)).toBe(7)
    expect(defaultPartition(Buffer.from('a-little-bit-long-string'), 7)).toBe(1161502112 % 7)
    expect(() => partitionForKey(Buffer.from('k'), 0)).toThrow(/partition count must be positive/)
  })
})
