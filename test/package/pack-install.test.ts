// The published package as a user gets it: `npm pack` (which builds dist/ through prepack), the
// tarball installed into a fresh application, then a plain-node ESM app, a CommonJS app and a strict
// TypeScript app checked against the shipped declarations only. Runs on whichever node runs vitest
// (.ci/run also runs it on Node 22 and 24).
import { execFile } from 'node:child_process'
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const run = promisify(execFile)
const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const FIXTURES = fileURLToPath(new URL('./app', import.meta.url))
const MAX_TARBALL_BYTES = 2 * 1024 * 1024
const installedVersion = (name: string, from = ROOT) =>
  (JSON.parse(readFileSync(join(from, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version

interface PackResult {
  filename: string
  size: number
  unpackedSize: number
  entryCount: number
  files: { path: string }[]
}

let work: string
let app: string
let pack: PackResult

/**
 * npm with the node that runs this file first on PATH, so installs see that node's version. The
 * timeout ends npm (and the scripts it runs, such as a native build) before the hook gives up.
 */
function npm(args: string[], cwd: string) {
  const bin = join(process.execPath, '..')
  const env = { ...process.env, PATH: `${bin}:${process.env.PATH}` }
  return run('npm', args, { cwd, env, maxBuffer: 64 * 1024 * 1024, timeout: 200_000 })
}

function node(args: string[]) {
  return run(process.execPath, args, { cwd: app, timeout: 90_000 })
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'kstreams-pack-'))
  app = join(work, 'app')
  mkdirSync(app)
  // prepack builds dist/; its output shares stdout with the JSON report, which comes last.
  const { stdout } = await npm(['pack', '--json', '--pack-destination', work], ROOT)
  const start = stdout.lastIndexOf('\n[') + 1
  pack = (JSON.parse(stdout.slice(start)) as PackResult[])[0]!
  console.log(`kstreams tarball: ${pack.filename} ${(pack.size / 1024).toFixed(0)} kB packed, ` +
    `${(pack.unpackedSize / 1024).toFixed(0)} kB unpacked, ${pack.entryCount} files (node ${process.version})`)

  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'kstreams-app', version: '1.0.0', private: true }))
  for (const file of ['app.mjs', 'app.cjs', 'scenario.cjs']) copyFileSync(join(FIXTURES, file), join(app, file))
  for (const name of ['main.mts', 'main.cts', 'main.ts']) copyFileSync(join(FIXTURES, 'strict-app.ts'), join(app, name))
  // engine-strict: every dependency the tarball brings must accept the running node.
  await npm([
    'install', join(work, pack.filename),
    `kafkajs@${installedVersion('kafkajs')}`, `@types/node@${installedVersion('@types/node')}`,
    '--no-audit', '--no-fund', '--prefer-offline', '--engine-strict',
  ], app)
}, 450_000)

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true })
})

describe('the packed tarball', () => {
  it('ships the build, the launcher and the docs; no sources, tests or tooling; under 2 MB', () => {
    const paths = pack.files.map((f) => f.path)
    expect(paths).toEqual(expect.arrayContaining([
      'package.json', 'README.md', 'LICENSE', 'CHANGELOG.md', 'bin/kstreams.mjs',
      'dist/index.js', 'dist/index.cjs', 'dist/index.d.ts', 'dist/index.d.cts',
      'dist/testing.js', 'dist/testing.cjs', 'dist/broker.js', 'dist/broker.cjs', 'dist/kafkajs.js', 'dist/kafkajs.cjs',
      'dist/cli.js',
    ]))
    const unexpected = paths.filter((p) => !/^(dist\/|bin\/kstreams\.mjs$|package\.json$|README\.md$|LICENSE$|CHANGELOG\.md$)/.test(p))
    expect(unexpected).toEqual([])
    expect(paths.filter((p) => /\.test\.|(^|\/)test\//.test(p))).toEqual([])
    expect(paths.filter((p) => p.endsWith('.ts') && !p.endsWith('.d.ts'))).toEqual([])
    expect(pack.size).toBeLessThan(MAX_TARBALL_BYTES)
  })

  it('runs from plain node as ESM: embedded broker, a topology, its output', async () => {
    const { stdout } = await node(['app.mjs'])
    expect(stdout.trim().split('\n')).toEqual([
      'testing-entry true',
      'avro true ERR_KSTREAMS_MISSING_DEPENDENCY avsc',
      'shouted a=HELLO b=WORLD a=AGAIN',
      'counts a=2 b=1',
      'esm done',
    ])
  }, 120_000)

  it('runs from CommonJS with require()', async () => {
    const { stdout } = await node(['app.cjs'])
    expect(stdout.trim().split('\n')).toEqual([
      'testing-entry true',
      'avro true ERR_KSTREAMS_MISSING_DEPENDENCY avsc',
      'shouted a=HELLO b=WORLD a=AGAIN',
      'counts a=2 b=1',
      'cjs done',
    ])
  }, 120_000)

  it('runs the kstreams command with plain node', async () => {
    const cli = join(app, 'node_modules/kstreams/bin/kstreams.mjs')
    expect((await node([cli, '--help'])).stdout).toContain('reset')
    expect((await node([cli, '--version'])).stdout.trim()).toBe(installedVersion('kstreams', app))
  })

  // Strict flags a user may have; skipLibCheck off, so the shipped .d.ts files are checked too.
  const strict = {
    strict: true,
    noUncheckedIndexedAccess: true,
    exactOptionalPropertyTypes: true,
    skipLibCheck: false,
    noEmit: true,
    target: 'ES2022',
    types: ['node'],
  }
  const tsc = async (config: string, compilerOptions: object, files: string[]) => {
    writeFileSync(join(app, config), JSON.stringify({ compilerOptions: { ...strict, ...compilerOptions }, files }))
    const result = await node([join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', config]).catch((err: { stdout: string }) => err)
    return result.stdout.trim()
  }

  it('type-checks a strict TypeScript app with module node16 (ESM and CommonJS files)', async () => {
    expect(await tsc('tsconfig.node16.json', { module: 'node16', moduleResolution: 'node16' }, ['main.mts', 'main.cts'])).toBe('')
  }, 120_000)

  it('type-checks a strict TypeScript app with moduleResolution bundler', async () => {
    expect(await tsc('tsconfig.bundler.json', { module: 'esnext', moduleResolution: 'bundler' }, ['main.ts'])).toBe('')
  }, 120_000)
})
