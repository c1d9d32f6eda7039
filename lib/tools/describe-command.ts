import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { renderAscii, renderDot, renderMermaid } from '../../topology/describe/index.js'
import type { TopologyDescription } from '../../topology/internals/topology-description.js'
import { UsageError } from './cli-errors.js'

export const DESCRIBE_FORMATS = ['text', 'mermaid', 'dot', 'ascii'] as const
export type DescribeFormat = (typeof DESCRIBE_FORMATS)[number]

/** Raised when the module given to `kstreams describe` cannot be loaded or exports no topology. */
export class TopologyModuleError extends Error {
  override readonly name = 'TopologyModuleError'
  readonly code = 'KSTREAMS_TOPOLOGY_MODULE'
  constructor(readonly modulePath: string, message: string, options?: { cause?: unknown }) {
    super(`${modulePath}: ${message}`, options)
  }
}

type Describable = { describe(): TopologyDescription }

function isDescribable(x: unknown): x is Describable {
  return typeof x === 'object' && x !== null && typeof (x as Describable).describe === 'function'
}

/**
 * The topology a module default-exports: a Topology, a function returning one (or a promise of
 * one), or a StreamsBuilder (built here). Checked by shape, so a topology built with another copy
 * of kstreams (the application's own dependency) is accepted too.
 */
export async function loadTopology(modulePath: string): Promise<Describable> {
  const file = resolve(modulePath)
  if (!existsSync(file)) throw new TopologyModuleError(modulePath, 'no such file')
  let mod: { default?: unknown }
  try {
    mod = (await import(pathToFileURL(file).href)) as { default?: unknown }
  } catch (err) {
    const hint = (err as NodeJS.ErrnoException).code === 'ERR_UNKNOWN_FILE_EXTENSION' ? ' (run a TypeScript module with tsx, or compile it first)' : ''
    throw new TopologyModuleError(modulePath, `cannot be loaded: ${(err as Error).message}${hint}`, { cause: err })
  }
  let exported = mod.default
  if (typeof exported === 'function') exported = await (exported as () => unknown)()
  if (!isDescribable(exported) && typeof exported === 'object' && exported !== null && typeof (exported as { build?: unknown }).build === 'function') {
    exported = (exported as { build(): unknown }).build()
  }
  if (!isDescribable(exported)) {
    throw new TopologyModuleError(
      modulePath,
      `its default export is ${exported === undefined ? 'missing' : `a ${typeof exported}`}; export default a Topology, a function returning one, or a StreamsBuilder`,
    )
  }
  return exported
}

export function parseDescribeFormat(text: string | undefined): DescribeFormat {
  if (text === undefined) return 'text'
  if ((DESCRIBE_FORMATS as readonly string[]).includes(text)) return text as DescribeFormat
  throw new UsageError(`--format: expected one of ${DESCRIBE_FORMATS.join(', ')}, got "${text}"`)
}

/** The topology in the chosen format: `text` is Kafka Streams' `TopologyDescription#toString()`. */
export function renderTopology(topology: Describable, format: DescribeFormat): string {
  switch (format) {
    case 'text':
      return topology.describe().toString()
    case 'mermaid':
      return renderMermaid(topology)
    case 'dot':
      return renderDot(topology)
    case 'ascii':
      return renderAscii(topology)
  }
}
