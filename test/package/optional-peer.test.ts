// Optional peer dependencies load on first use; only the package itself being absent is reported
// as a MissingDependencyError naming it.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { MissingDependencyError } from '../../lib/index.js'
import { requireOptional } from '../../topology/serdes/optional-peer.js'

const dir = mkdtempSync(join(tmpdir(), 'kstreams-peer-'))
const from = pathToFileURL(join(dir, 'app.js'))
const pkg = (name: string, main: string) => {
  mkdirSync(join(dir, 'node_modules', name), { recursive: true })
  writeFileSync(join(dir, 'node_modules', name, 'package.json'), JSON.stringify({ name, main: 'index.js' }))
  writeFileSync(join(dir, 'node_modules', name, 'index.js'), main)
}
pkg('present-peer', 'module.exports = { answer: 42 }')
pkg('broken-peer', "module.exports = require('dependency-of-broken-peer')")

afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('requireOptional', () => {
  it('loads an installed package', () => {
    expect(requireOptional<{ answer: number }>('present-peer', 'Feature()', from).answer).toBe(42)
  })

  it('names the absent package and the feature that needs it', () => {
    const err = (() => {
      try {
        requireOptional('absent-peer', 'Serdes.Avro()', from)
      } catch (e) {
        return e
      }
    })()
    expect(err).toBeInstanceOf(MissingDependencyError)
    expect(err).toMatchObject({
      code: 'ERR_KSTREAMS_MISSING_DEPENDENCY',
      packageName: 'absent-peer',
      feature: 'Serdes.Avro()',
      message: 'Serdes.Avro() needs the package "absent-peer", which is not installed: run npm install absent-peer',
    })
  })

  it('lets an installed package that fails to load throw its own error', () => {
    expect(() => requireOptional('broken-peer', 'Feature()', from)).toThrow(
      expect.objectContaining({ code: 'MODULE_NOT_FOUND', message: expect.stringContaining('dependency-of-broken-peer') }),
    )
    expect(() => requireOptional('broken-peer', 'Feature()', from)).not.toThrow(MissingDependencyError)
  })

  it('loads avsc and the registry client from where kstreams is installed', () => {
    expect(typeof requireOptional<{ Type: unknown }>('avsc', 'Serdes.Avro()').Type).toBe('function')
    expect(typeof requireOptional<{ SchemaRegistry: unknown }>('@kafkajs/confluent-schema-registry', 'Serdes.Avro()').SchemaRegistry).toBe('function')
  })
})
