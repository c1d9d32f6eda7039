import { describe, expect, it } from 'vitest'
import { SessionWindowedSerde, TimeWindowedSerde, WindowedSerdes } from '../../../topology/windows/windowed-serdes.js'
import type { Serde } from '../../../stores/serde.js'

const utf8: Serde<string> = {
  serialize: (_t, s) => (s === null ? null : Buffer.from(s, 'utf8')),
  deserialize: (_t, b) => (b === null ? null : b.toString('utf8')),
}

describe('windowed key serdes (byte layout as Java Kafka Streams)', () => {
  it('time-windowed: key bytes + 8-byte big-endian start; end = start + window size', () => {
    const serde = new TimeWindowedSerde(utf8, 100)
    const bytes = serde.serialize('t', { key: 'ab', window: { start: 0x0102030405, end: 0x0102030405 + 100 } })!
    expect(bytes.toString('hex')).toBe('6162' + '0000000102030405')
    expect(serde.deserialize('t', bytes)).toEqual({ key: 'ab', window: { start: 0x0102030405, end: 0x0102030405 + 100 } })
  })

  it('session-windowed: key bytes + 8-byte end + 8-byte start', () => {
    const serde = WindowedSerdes.sessionWindowedSerdeFrom(utf8)
    const w = { key: 'k', window: { start: 5, end: 1_700_000_000_000 } }
    const bytes = serde.serialize('t', w)!
    const end = Buffer.alloc(8)
    end.writeBigInt64BE(1_700_000_000_000n)
    expect(bytes.toString('hex')).toBe('6b' + end.toString('hex') + '0000000000000005')
    expect(serde.deserialize('t', bytes)).toEqual(w)
  })

  it('round-trips negative and large longs, and passes null through', () => {
    const serde = new SessionWindowedSerde(utf8)
    for (const t of [-1, -4294967297, 2 ** 52, 0]) {
      const w = { key: '', window: { start: t, end: t } }
      const b = serde.serialize('t', w)!
      expect(b.readBigInt64BE(0)).toBe(BigInt(t))
      expect(serde.deserialize('t', b)).toEqual(w)
    }
    expect(serde.serialize('t', null)).toBeNull()
    expect(serde.deserialize('t', null)).toBeNull()
  })

  it('rejects truncated input and a bad window size', () => {
    expect(() => new TimeWindowedSerde(utf8, 100).deserialize('t', Buffer.alloc(3))).toThrow(/too short/)
    expect(() => new SessionWindowedSerde(utf8).deserialize('t', Buffer.alloc(15))).toThrow(/too short/)
    expect(() => new TimeWindowedSerde(utf8, 0)).toThrow(/window size/)
  })
})
