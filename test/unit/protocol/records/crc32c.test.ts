import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import { crc32c } from '../../../../protocol/records/index.js'
import { crc32cJs } from '../../../../protocol/records/crc32c.js'

const require = createRequire(import.meta.url)
const kafkajsCrc32C = require('kafkajs/src/protocol/recordBatch/crc32C/index.js') as (b: Buffer) => number

describe('crc32c', () => {
  it('matches the standard check value and kafkajs on every length and start offset around the 16-byte steps', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283)
    const data = Buffer.alloc(400)
    for (let i = 0; i < data.length; i++) data[i] = (i * 197 + 13) & 0xff
    for (let start = 0; start < 17; start++) {
      for (let end = start; end < start + 70; end++) expect(crc32c(data, start, end)).toBe(kafkajsCrc32C(data.subarray(start, end)))
    }
    expect(crc32c(data)).toBe(kafkajsCrc32C(data))
  })

  it('the JavaScript and the native implementation (used from 128 bytes when @node-rs/crc32 is installed) agree with kafkajs', () => {
    const data = Buffer.alloc(5000)
    for (let i = 0; i < data.length; i++) data[i] = (i * 31 + 7) & 0xff
    for (const [start, end] of [[0, 5000], [3, 131], [100, 4999], [0, 127], [0, 128], [17, 17 + 128]] as const) {
      const expected = kafkajsCrc32C(data.subarray(start, end))
      expect(crc32c(data, start, end)).toBe(expected)
      expect(crc32cJs(data, start, end)).toBe(expected)
    }
    expect(typeof require('@node-rs/crc32').crc32c).toBe('function')
  })
})
