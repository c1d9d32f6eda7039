import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { extractSamples } from './markdown-samples.js'

const dir = mkdtempSync(path.join(tmpdir(), 'kstreams-md-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function page(text: string): string {
  writeFileSync(path.join(dir, 'page.md'), text)
  return 'page.md'
}

describe('extractSamples', () => {
  it('finds ts blocks with their first line and marker, and ignores other languages', () => {
    const samples = extractSamples(dir, page(['# T', '```ts', 'const a = 1', '```', '```sh', 'ls', '```', '<!-- sample: run -->', '', '```ts', 'run()', '```', '<!-- sample: skip not code -->', '```ts', 'x', '```'].join('\n')))
    expect(samples.map((s) => [s.line, s.mode, s.code, s.note])).toEqual([
      [3, 'check', 'const a = 1', ''],
      [11, 'run', 'run()', ''],
      [15, 'skip', 'x', 'not code'],
    ])
  })

  it('rejects an unknown marker, a skip without a reason, and a marker not followed by a block', () => {
    expect(() => extractSamples(dir, page('<!-- sample: runn -->\n```ts\nx\n```\n'))).toThrow('page.md:1: unknown sample marker "runn"')
    expect(() => extractSamples(dir, page('<!-- sample: skip -->\n```ts\nx\n```\n'))).toThrow('needs a reason')
    expect(() => extractSamples(dir, page('<!-- sample: run -->\ntext\n```ts\nx\n```\n'))).toThrow('not followed by a code block')
    expect(() => extractSamples(dir, page('<!-- sample: run -->\n```yaml\nx: 1\n```\n'))).toThrow('not ```ts')
  })
})
