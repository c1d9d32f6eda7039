// Avro schema parsing, canonical text and compatibility, on top of avsc's schema resolution.
import type avro from 'avsc'
import { requireOptional } from '../../topology/serdes/optional-peer.js'
import { invalidSchema } from './errors.js'

// avsc is an optional peer dependency of kstreams: loaded when the first schema is parsed.
const avsc = (): typeof avro => requireOptional<typeof avro>('avsc', 'EmbeddedSchemaRegistry (Avro schemas)')

export interface ParsedAvro {
  /** Whitespace-free JSON of the schema as given: the text the registry stores, serves and compares. */
  readonly canonical: string
  readonly type: avro.Type
}

/**
 * Parses `text` as an Avro schema. `referenced` holds the already-parsed schemas it references
 * (dependencies first), whose named types it may use, as Confluent's schema references allow.
 * Throws a 42201 RegistryError naming what is wrong.
 */
export function parseAvro(text: string, referenced: readonly string[] = []): ParsedAvro {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (err) {
    throw invalidSchema(`not valid JSON (${(err as Error).message})`)
  }
  const { Type } = avsc()
  const registry: Record<string, avro.Type> = {}
  try {
    for (const dep of referenced) Type.forSchema(JSON.parse(dep) as avro.Schema, { registry })
  } catch (err) {
    throw invalidSchema(`a referenced schema does not parse: ${(err as Error).message}`)
  }
  let type: avro.Type
  try {
    type = Type.forSchema(json as avro.Schema, { registry })
  } catch (err) {
    throw invalidSchema((err as Error).message)
  }
  return { canonical: JSON.stringify(json), type }
}

/**
 * Whether data written with `writer` can be read with `reader` under Avro schema resolution.
 * Returns null when it can, otherwise the reason.
 */
export function readIncompatibility(reader: avro.Type, writer: avro.Type): string | null {
  try {
    reader.createResolver(writer)
    return null
  } catch (err) {
    return (err as Error).message
  }
}
