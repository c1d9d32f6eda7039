// Field tables: one list of fields per API, each field valid for a range of versions.
// Names are the camelCase names of Kafka's message specs, so decoded requests and the response
// objects handlers build use the same names as Kafka's documentation.

export type Primitive =
  | 'bool' | 'int8' | 'int16' | 'int32' | 'int64' | 'float64'
  | 'string' | 'bytes' | 'records' | 'uuid'

export interface Field {
  readonly name: string
  /** A primitive, or the fields of a nested struct. */
  readonly type: Primitive | readonly Field[]
  readonly array: boolean
  readonly min: number
  readonly max: number
  /** Tagged fields (flexible versions only) are written only when set. */
  readonly tag?: number
}

export interface ApiSchema {
  readonly key: number
  readonly name: string
  readonly minVersion: number
  readonly maxVersion: number
  /** First flexible version; Infinity when the API has none in the supported range. */
  readonly flexibleFrom: number
  readonly request: readonly Field[]
  readonly response: readonly Field[]
}

const MAX = 0x7fff

function parseVersions(v: string): [number, number] {
  const m = /^(\d+)(\+|-(\d+))?$/.exec(v)
  if (!m) throw new Error(`bad version range "${v}"`)
  const min = Number(m[1])
  if (m[2] === '+') return [min, MAX]
  if (m[3] !== undefined) return [min, Number(m[3])]
  return [min, min]
}

/**
 * A field: `f('throttleTimeMs', 'int32', '1+')`. Type `'[]int32'` is an array of int32;
 * a Field[] type is a struct, `arr()` an array of structs.
 */
export function f(name: string, type: Primitive | `[]${Primitive}` | readonly Field[], versions = '0+', tag?: number): Field {
  const [min, max] = parseVersions(versions)
  if (typeof type === 'string' && type.startsWith('[]')) {
    return { name, type: type.slice(2) as Primitive, array: true, min, max, tag }
  }
  return { name, type: type as Primitive | readonly Field[], array: false, min, max, tag }
}

export function arr(name: string, fields: readonly Field[], versions = '0+', tag?: number): Field {
  const [min, max] = parseVersions(versions)
  return { name, type: fields, array: true, min, max, tag }
}

export function api(def: {
  key: number; name: string; versions: string; flexible?: number
  request: readonly Field[]; response: readonly Field[]
}): ApiSchema {
  const [minVersion, maxVersion] = parseVersions(def.versions)
  return {
    key: def.key, name: def.name, minVersion, maxVersion,
    flexibleFrom: def.flexible ?? Infinity,
    request: def.request, response: def.response,
  }
}
