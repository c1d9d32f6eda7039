// Optional peer dependencies (Avro, the schema registry client) load on first use, so applications
// that never use them neither install them nor pay for loading them.
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)

/** Raised when a feature needs an optional package that is not installed; names the package. */
export class MissingDependencyError extends Error {
  override readonly name = 'MissingDependencyError'
  readonly code = 'ERR_KSTREAMS_MISSING_DEPENDENCY'
  constructor(
    readonly packageName: string,
    readonly feature: string,
    options?: { cause?: unknown },
  ) {
    super(`${feature} needs the package "${packageName}", which is not installed: run npm install ${packageName}`, options)
  }
}

const loaded = new Map<string, unknown>()

/**
 * Loads `packageName` (a CommonJS package) synchronously for `feature`. Only the package itself
 * being absent becomes a MissingDependencyError; a package that is present but fails to load
 * (a missing dependency of its own, a syntax error) throws its own error.
 */
export function requireOptional<T>(packageName: string, feature: string): T {
  const cached = loaded.get(packageName)
  if (cached !== undefined) return cached as T
  try {
    require.resolve(packageName)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') {
      throw new MissingDependencyError(packageName, feature, { cause: err })
    }
    throw err
  }
  const mod = require(packageName) as T
  loaded.set(packageName, mod)
  return mod
}
