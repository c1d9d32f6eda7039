// Test values for generated schemas: every field present at a version, none at its default.
import type { FieldSchema } from '../../../protocol/index.js'

const inRange = (r: readonly [number, number] | undefined | null, v: number): boolean => !!r && v >= r[0] && v <= r[1]

function hash(s: string): number {
  let h = 7
  for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) & 0x3fff
  return h
}

function primitive(f: FieldSchema, seed: number): unknown {
  const n = hash(f.name) + seed
  switch (f.type) {
    case 'bool': return f.default === true ? false : true
    case 'int8': return 1 + (n % 100)
    case 'int16': return 1 + (n % 30000)
    case 'uint16': return 40000 + (n % 20000)
    case 'int32': return 100_000 + n
    case 'int64': return 2 ** 40 + n
    case 'float64': return 1.5 + n
    case 'string': return `${f.name}-${seed}-é`
    case 'uuid': return Buffer.alloc(16, (n % 250) + 1)
    case 'bytes': return Buffer.from(`${f.name}:${seed}`)
    case 'records': return Buffer.from([1, 2, 3, seed & 0xff])
    default: throw new Error(`no value for ${f.type}`)
  }
}

/** Include a field? Lets cross-checks leave out tagged fields the other codec does not know. */
export type Filter = (f: FieldSchema, path: string) => boolean

export interface Options {
  /** Null in every field nullable at the version (instead of a non-null value). */
  nulls?: boolean
  /** Negative numbers for the signed integer and float types. */
  negative?: boolean
}

export function makeValue(fields: readonly FieldSchema[], v: number, seed = 1, filter: Filter = () => true, path = '', opts: Options = {}): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const f of fields) {
    if (!inRange(f.versions, v)) continue
    const p = path + f.name
    if (!filter(f, p)) continue
    if (opts.nulls && inRange(f.nullable, v)) { out[f.name] = null; continue }
    const one = (s: number): unknown => {
      if (f.type === 'struct') return makeValue(f.fields!, v, s, filter, p + '.', opts)
      const x = primitive(f, s)
      return opts.negative && typeof x === 'number' && f.type !== 'uint16' ? -x : x
    }
    out[f.name] = f.array ? [one(seed), one(seed + 1)] : one(seed)
  }
  return out
}
