import { MissingDependencyError } from '../../topology/serdes/optional-peer.js'

const NOT_FOUND = new Set(['ERR_MODULE_NOT_FOUND', 'MODULE_NOT_FOUND'])

/** Imports an optional peer on first use; a missing package becomes a MissingDependencyError naming it. */
export async function importOptional<T>(dependency: string, feature: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load()
  } catch (err) {
    if (NOT_FOUND.has((err as { code?: string })?.code ?? '')) throw new MissingDependencyError(dependency, feature, { cause: err })
    throw err
  }
}
