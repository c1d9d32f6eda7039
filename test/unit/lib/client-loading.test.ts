import { execFileSync } from 'node:child_process'
import path from 'node:path'
import { describe, expect, it } from 'vitest'

const ROOT = path.join(import.meta.dirname, '..', '..', '..')

/** The kafkajs modules a fresh process has loaded after importing `entry`. */
function kafkajsModulesLoadedBy(entry: string): string[] {
  const script = `
    import { createRequire } from 'node:module'
    await import(${JSON.stringify(path.join(ROOT, entry))})
    const cache = createRequire(import.meta.url).cache
    console.log(JSON.stringify(Object.keys(cache).filter(k => k.includes('/node_modules/kafkajs/'))))`
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' })
  return JSON.parse(out.trim().split('\n').pop()!) as string[]
}

describe('the kafkajs adapter loads only when chosen', () => {
  it('importing kstreams loads no kafkajs module', () => {
    expect(kafkajsModulesLoadedBy('lib/index.ts')).toEqual([])
  })

  it('the adapter itself does load kafkajs (so the check above can fail)', () => {
    expect(kafkajsModulesLoadedBy('lib/clients/kafkajs/index.ts').length).toBeGreaterThan(0)
  })
})
