import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import { readVarint, sizeOfVarint, writeVarint } from '../../../../protocol/records/index.js'

const require = createRequire(import.meta.url)
const Encoder = require('kafkajs/src/protocol/encoder.js')
const Long = require('kafkajs/src/utils/long.js')

function values(): number[] {
  const out = [0, 1, -1, 63, 64, -64, -65, 2 ** 30 - 1, 2 ** 30, -(2 ** 30), -(2 ** 30) - 1, 2 ** 31 - 1, -(2 ** 31), 2 ** 40, -(2 ** 40), 2 ** 52, -(2 ** 52)]
  let seed = 7
  for (let i = 0; i < 2000; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0
    const bits = seed % 53
    const v = Math.floor((seed / 2 ** 32) * 2 ** bits)
    out.push(seed & 1 || v === 0 ? v : -v)
  }
  return out
}

describe('zigzag varints', () => {
  it('write the bytes kafkajs writes for varlongs, read them back, and measure them exactly', () => {
    const buf = Buffer.alloc(10)
    for (const v of values()) {
      const end = writeVarint(buf, 0, v)
      const theirs = new Encoder().writeVarLong(Long.fromNumber(v)).buffer as Buffer
      expect(buf.subarray(0, end).toString('hex'), String(v)).toBe(theirs.toString('hex'))
      expect(sizeOfVarint(v)).toBe(end)
      expect(readVarint(buf, 0, end)).toBe(v)
    }
  })

  it('refuses to read past the limit', () => {
    const buf = Buffer.alloc(10)
    const end = writeVarint(buf, 0, 2 ** 40)
    expect(() => readVarint(buf, 0, end - 1)).toThrow(RangeError)
    expect(() => readVarint(Buffer.alloc(11, 0xff), 0, 11)).toThrow(/longer than 10 bytes/)
  })
})
