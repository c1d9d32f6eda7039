// The native RocksDB binding loads when the first persistent store opens, not on import: where
// it cannot load (no prebuild for the platform), stateless topologies and in-memory stores
// still run, and a persistent store fails with an error naming the package and platform.
import { describe, expect, it } from 'vitest'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const hook = fileURLToPath(new URL('./support/no-rocksdb-hook.cjs', import.meta.url))
const app = fileURLToPath(new URL('./support/no-rocksdb-app.ts', import.meta.url))

describe('RocksDB binding loaded on first use', () => {
  const run = (blocked: string) => {
    const env: NodeJS.ProcessEnv = { ...process.env, NO_ROCKSDB: blocked }
    const child = spawnSync(process.execPath, ['--require', hook, '--import', 'tsx', app], { encoding: 'utf8', env, timeout: 120_000 })
    expect(child.stderr).not.toMatch(/Error/)
    expect(child.status).toBe(0)
    return JSON.parse(child.stdout.trim().split('\n').pop()!)
  }
  const counts = [{ key: 'a', value: 1 }, { key: 'b', value: 1 }, { key: 'a', value: 2 }]

  it('runs stateless and in-memory topologies without a loadable binding; a persistent store names the package and platform', () => {
    const out = run('rocksdb-native')
    expect(out.inMemory).toEqual({
      upper: [{ key: 'a', value: 'X' }, { key: 'b', value: 'Y' }, { key: 'a', value: 'Z' }],
      counts,
    })
    expect(out.persistent.opened).toBe(false)
    expect(out.persistent.name).toBe('RocksDBUnavailableError')
    expect(out.persistent.code).toBe('ERR_KSTREAMS_ROCKSDB_UNAVAILABLE')
    expect(out.persistent.message).toMatch(/native RocksDB binding 'rocksdb-native'/)
    expect(out.persistent.message).toContain(`${process.platform}-${process.arch}`)
    expect(out.persistent.message).toContain('No native build was found')
  })

  it('opens persistent stores once the binding loads', () => {
    const out = run('')
    expect(out.persistent).toEqual({ opened: true, binding: 'rocksdb-native', counts })
  })
})
