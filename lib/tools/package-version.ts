import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * The version in kstreams' package.json, found by walking up from `fromUrl` (the CLI's own file),
 * so it holds both in the source checkout and in an installed package's compiled output.
 */
export function packageVersion(fromUrl: string): string {
  let dir = dirname(fileURLToPath(fromUrl))
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string }
      if (pkg.name === 'kstreams' && typeof pkg.version === 'string') return pkg.version
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    }
    const parent = dirname(dir)
    if (parent === dir) throw new Error(`kstreams' package.json not found above ${fileURLToPath(fromUrl)}`)
    dir = parent
  }
}
