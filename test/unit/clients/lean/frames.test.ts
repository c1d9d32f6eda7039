import { describe, expect, it } from 'vitest'
import { FrameReader } from '../../../../lib/clients/lean/net/frames.js'

function frame(payload: string): Buffer {
  const body = Buffer.from(payload)
  const out = Buffer.alloc(4 + body.length)
  out.writeInt32BE(body.length, 0)
  body.copy(out, 4)
  return out
}

describe('FrameReader', () => {
  it('hands frames in one chunk on as views of it, without copying', () => {
    const got: Buffer[] = []
    const r = new FrameReader(f => got.push(f))
    const chunk = Buffer.concat([frame('abc'), frame('defg')])
    r.push(chunk)
    expect(got.map(String)).toEqual(['abc', 'defg'])
    expect(got[1]!.buffer).toBe(chunk.buffer)
    chunk[7 + 4 + 1] = 'X'.charCodeAt(0)
    expect(String(got[1])).toBe('dXfg')
  })

  it('joins frames split across chunks, even inside the size prefix', () => {
    const got: string[] = []
    const r = new FrameReader(f => got.push(String(f)))
    const all = Buffer.concat([frame('hello'), frame(''), frame('world!')])
    for (let i = 0; i < all.length; i++) r.push(all.subarray(i, i + 1))
    expect(got).toEqual(['hello', '', 'world!'])
  })
})
