// Compatibility levels and the check a new schema must pass against a subject's earlier versions,
// with Confluent's meanings: BACKWARD = the new schema reads data written with the old one,
// FORWARD = the old schema reads data written with the new one, FULL = both; the plain levels
// compare against the latest version only, *_TRANSITIVE against every live version.
import type avro from 'avsc'
import { readIncompatibility } from './avro.js'
import { invalidCompatibilityLevel } from './errors.js'

export const COMPATIBILITY_LEVELS = [
  'NONE',
  'BACKWARD',
  'BACKWARD_TRANSITIVE',
  'FORWARD',
  'FORWARD_TRANSITIVE',
  'FULL',
  'FULL_TRANSITIVE',
] as const

export type CompatibilityLevel = (typeof COMPATIBILITY_LEVELS)[number]

export function parseCompatibilityLevel(value: unknown): CompatibilityLevel {
  const upper = typeof value === 'string' ? value.toUpperCase() : value
  if (!(COMPATIBILITY_LEVELS as readonly unknown[]).includes(upper)) throw invalidCompatibilityLevel(value)
  return upper as CompatibilityLevel
}

export interface VersionedType {
  readonly version: number
  readonly type: avro.Type
}

/**
 * Checks `candidate` against `previous` (live versions, oldest first) under `level`.
 * Returns one message per failed pairing; empty means compatible.
 */
export function compatibilityErrors(
  level: CompatibilityLevel,
  candidate: avro.Type,
  previous: readonly VersionedType[],
): string[] {
  if (level === 'NONE' || previous.length === 0) return []
  const against = level.endsWith('_TRANSITIVE') ? previous : previous.slice(-1)
  const backward = level.startsWith('BACKWARD') || level.startsWith('FULL')
  const forward = level.startsWith('FORWARD') || level.startsWith('FULL')
  const errors: string[] = []
  for (const old of against) {
    if (backward) {
      const why = readIncompatibility(candidate, old.type)
      if (why) errors.push(`{oldSchemaVersion: ${old.version}, direction: BACKWARD (new schema cannot read data written with version ${old.version}): ${why}}`)
    }
    if (forward) {
      const why = readIncompatibility(old.type, candidate)
      if (why) errors.push(`{oldSchemaVersion: ${old.version}, direction: FORWARD (version ${old.version} cannot read data written with the new schema): ${why}}`)
    }
  }
  return errors
}
