/** An optional peer dependency a feature needs is not installed. */
export class MissingOptionalDependencyError extends Error {
  readonly code = 'KSTREAMS_MISSING_OPTIONAL_DEPENDENCY'
  constructor(readonly dependency: string, readonly feature: string, options?: { cause?: unknown }) {
    super(`${feature} needs the optional peer dependency "${dependency}", which is not installed: npm install ${dependency}`, options)
    this.name = 'MissingOptionalDependencyError'
  }
}

const NOT_FOUND = new Set(['ERR_MODULE_NOT_FOUND', 'MODULE_NOT_FOUND'])

/** Imports an optional peer on first use; a missing package becomes MissingOptionalDependencyError. */
export async function importOptional<T>(dependency: string, feature: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load()
  } catch (err) {
    if (NOT_FOUND.has((err as { code?: string })?.code ?? '')) throw new MissingOptionalDependencyError(dependency, feature, { cause: err })
    throw err
  }
}
