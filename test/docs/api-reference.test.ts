// The API reference is generated from the doc comments of the public entries (typedoc.json).
// TypeDoc's warnings name a public signature that refers to a type the entries do not export, a
// broken {@link}, or an entry point that is gone: each fails this test.
import { execFile } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { expect, it } from 'vitest'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

it('typedoc builds the API reference without warnings', async () => {
  const typedoc = path.join(root, 'node_modules/typedoc/bin/typedoc')
  const output = await promisify(execFile)(process.execPath, [typedoc, '--emit', 'none', '--treatWarningsAsErrors', '--logLevel', 'Warn'], {
    cwd: root,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
  }).then(
    ({ stdout, stderr }) => `${stdout}${stderr}`,
    (err: { stdout?: string; stderr?: string; message: string }) => `${err.stdout ?? ''}${err.stderr ?? ''}` || err.message,
  )
  expect(output.split('\n').filter((l) => /\[(warning|error)\]/.test(l))).toEqual([])
}, 240_000)
