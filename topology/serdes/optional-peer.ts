// Optional peer dependencies (Avro, the schema registry client) load on first use, so applications
// that never use them neither install them nor pay for loading them.
import { createRequire } from 'node:module'

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

/**
 * Loads `packageName` (a CommonJS package) synchronously for `feature`, resolved from `from` (this
 * module: where kstreams is installed). Only the package itself being absent becomes a
 * MissingDependencyError; a package that is present but fails to load (a missing dependency of its
 * own, a syntax error) throws its own error. Node's module cache makes later calls cheap.
 */
export function requireOptional<T>(packageName: string, feature: string, from: string | URL = import.meta.url): T {
  const require = createRequire(from)
  try {
    require.resolve(packageName)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') {
      throw new MissingDependencyError(packageName, feature, { cause: err })
    }
    throw err
  }
  return require(packageName) as T
}
