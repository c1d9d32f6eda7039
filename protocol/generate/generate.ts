// Generates protocol/messages/*.ts from Kafka's JSON message specs in protocol/generate/specs/.
//
//   npx tsx protocol/generate/generate.ts
//
// For each API: request and response TypeScript types covering every version (a field present
// in only some versions is optional and documented with its version range), the field schemas
// the runtime codec reads and writes them with, and encode/decode functions taking the version.
// Also the request and response headers and a table of the APIs with their version ranges.
import { readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const specDir = join(here, 'specs')
const outDir = join(here, '..', 'messages')

const MAX = 0x7fff
type Range = [number, number] | null

interface SpecField {
  name: string
  type: string
  versions: string
  nullableVersions?: string
  taggedVersions?: string
  tag?: number
  flexibleVersions?: string
  ignorable?: boolean
  default?: string | number | boolean
  about?: string
  fields?: SpecField[]
}

interface Spec {
  name: string
  type: 'request' | 'response' | 'header' | 'data'
  apiKey?: number
  validVersions: string
  flexibleVersions: string
  /** The newest version is still under development in Kafka. */
  latestVersionUnstable?: boolean
  fields: SpecField[]
  commonStructs?: { name: string; versions: string; fields: SpecField[] }[]
}

/** Strips the // comments Kafka's spec files carry (outside strings), then parses. */
export function parseSpec(text: string): Spec {
  let out = ''
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (inString) {
      out += c
      if (c === '\\') { out += text[++i]; continue }
      if (c === '"') inString = false
      continue
    }
    if (c === '"') { inString = true; out += c; continue }
    if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++
      out += '\n'
      continue
    }
    out += c
  }
  return JSON.parse(out) as Spec
}

function parseRange(v: string | undefined): Range {
  if (v === undefined || v === 'none') return null
  const m = /^(\d+)(\+|-(\d+))?$/.exec(v)
  if (!m) throw new Error(`bad version range "${v}"`)
  const min = Number(m[1])
  if (m[2] === '+') return [min, MAX]
  if (m[3] !== undefined) return [min, Number(m[3])]
  return [min, min]
}

const intersect = (a: Range, b: Range): Range => {
  if (!a || !b) return null
  const lo = Math.max(a[0], b[0]); const hi = Math.min(a[1], b[1])
  return lo <= hi ? [lo, hi] : null
}
const covers = (outer: Range, inner: Range): boolean => !!outer && !!inner && outer[0] <= inner[0] && outer[1] >= inner[1]
const rangeText = (r: Range): string => (!r ? 'none' : r[1] === MAX ? `${r[0]}+` : r[0] === r[1] ? `${r[0]}` : `${r[0]}-${r[1]}`)

const PRIMITIVES = new Set(['bool', 'int8', 'int16', 'uint16', 'int32', 'int64', 'float64', 'string', 'bytes', 'records', 'uuid'])
const TS_TYPE: Record<string, string> = {
  bool: 'boolean', int8: 'number', int16: 'number', uint16: 'number', int32: 'number', int64: 'number',
  float64: 'number', string: 'string', bytes: 'Buffer', records: 'Buffer', uuid: 'Buffer',
}

const lowerFirst = (s: string): string => s[0]!.toLowerCase() + s.slice(1)
const kebab = (s: string): string => s.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase()

function parseDefault(f: SpecField, base: string, isArray: boolean): unknown {
  const d = f.default
  if (isArray) return d === 'null' ? null : undefined
  if (d === undefined) return undefined
  if (d === 'null') return null
  switch (base) {
    case 'bool': return d === true || d === 'true'
    case 'string': return String(d)
    case 'int8': case 'int16': case 'uint16': case 'int32': case 'int64': case 'float64': return Number(d)
    default: return undefined
  }
}

class MessageGen {
  readonly interfaces: string[] = []
  readonly schemas: string[] = []
  private readonly common = new Map<string, SpecField[]>()
  private readonly done = new Set<string>()

  private readonly commonVersions = new Map<string, Range>()
  private readonly valid: Range

  constructor(readonly spec: Spec, readonly structNames: Map<string, string>) {
    this.valid = parseRange(spec.validVersions)
    for (const s of spec.commonStructs ?? []) {
      this.common.set(s.name, s.fields)
      this.commonVersions.set(s.name, intersect(parseRange(s.versions), this.valid))
    }
  }

  structName(name: string): string { return this.structNames.get(`${this.spec.name}/${name}`) ?? name }

  /** Emits the interface and schema of a struct; returns the schema constant's name. */
  struct(name: string, fields: SpecField[], present: Range, top = false): string {
    const tsName = top ? this.spec.name : this.structName(name)
    const constName = `${tsName}Fields`
    if (this.done.has(tsName)) return constName
    this.done.add(tsName)
    const members: string[] = []
    const schemaEntries: string[] = []
    for (const f of fields) {
      // A common struct is shared by fields of different versions: its schema keeps each
      // field's own range, and `present` (where the struct itself appears) decides optionality.
      const versions = intersect(parseRange(f.versions), this.valid)
      if (!versions || !intersect(versions, present)) continue
      const isArray = f.type.startsWith('[]')
      const base = isArray ? f.type.slice(2) : f.type
      const nullable = intersect(parseRange(f.nullableVersions), versions)
      const tagged = f.tag !== undefined ? intersect(parseRange(f.taggedVersions), versions) : null
      let ts: string
      let sub: string | undefined
      if (PRIMITIVES.has(base)) ts = TS_TYPE[base]!
      else {
        const subFields = f.fields ?? this.common.get(base)
        if (!subFields) throw new Error(`${this.spec.name}: unknown type ${base} of ${f.name}`)
        sub = this.struct(base, subFields, f.fields ? versions : this.commonVersions.get(base) ?? versions)
        ts = this.structName(base)
      }
      if (isArray) ts = `${ts}[]`
      if (nullable) ts = `${ts} | null`
      const optional = !covers(versions, intersect(present, this.valid)) || tagged !== null
      const def = parseDefault(f, base, isArray)
      const doc: string[] = []
      if (f.about) doc.push(/[.!?:]$/.test(f.about.trim()) ? f.about.trim() : `${f.about.trim()}.`)
      doc.push(`Versions ${rangeText(versions)}.` +
        (nullable ? ` Nullable in ${rangeText(nullable)}.` : '') +
        (tagged ? ` Tagged field ${f.tag} in ${rangeText(tagged)}.` : '') +
        (def !== undefined ? ` Default ${JSON.stringify(def)}.` : ''))
      members.push(`  /** ${doc.join(' ').replace(/\*\//g, '*\\/')} */\n  ${lowerFirst(f.name)}${optional ? '?' : ''}: ${ts}`)
      const parts = [`name: '${lowerFirst(f.name)}'`, `type: '${sub ? 'struct' : base}'`, `array: ${isArray}`]
      if (sub) parts.push(`fields: ${sub}`)
      parts.push(`versions: [${versions[0]}, ${versions[1]}]`)
      if (nullable) parts.push(`nullable: [${nullable[0]}, ${nullable[1]}]`)
      if (tagged) parts.push(`tag: ${f.tag}`, `tagged: [${tagged[0]}, ${tagged[1]}]`)
      if (f.flexibleVersions !== undefined) {
        const fr = parseRange(f.flexibleVersions)
        parts.push(`flexible: ${fr ? `[${fr[0]}, ${fr[1]}]` : 'null'}`)
      }
      if (f.ignorable) parts.push('ignorable: true')
      if (def !== undefined) parts.push(`default: ${JSON.stringify(def)}`)
      schemaEntries.push(`  { ${parts.join(', ')} },`)
    }
    const what = top ? `${this.spec.name} (versions ${rangeText(present)})` : `${name}: a struct of ${this.spec.name}`
    this.interfaces.push(`/** ${what}. */\nexport interface ${tsName} {\n${members.join('\n')}\n}`)
    this.schemas.push(`const ${constName}: readonly FieldSchema[] = [\n${schemaEntries.join('\n')}\n]`)
    return constName
  }
}

/** Struct names per message: Kafka's own, prefixed with the message name where two messages of a file share one. */
function structNames(specs: Spec[]): Map<string, string> {
  const seen = new Map<string, string[]>()
  const visit = (spec: Spec, fields: SpecField[]): void => {
    for (const f of fields) {
      const base = f.type.replace(/^\[\]/, '')
      if (PRIMITIVES.has(base)) continue
      const owners = seen.get(base) ?? []
      if (!owners.includes(spec.name)) owners.push(spec.name)
      seen.set(base, owners)
      if (f.fields) visit(spec, f.fields)
    }
  }
  for (const s of specs) { visit(s, s.fields); for (const c of s.commonStructs ?? []) visit(s, c.fields) }
  const out = new Map<string, string>()
  for (const [name, owners] of seen) {
    for (const o of owners) out.set(`${o}/${name}`, owners.length > 1 || specs.some((s) => s.name === name) ? `${o}${name}` : name)
  }
  return out
}

function emitMessage(spec: Spec, names: Map<string, string>, apiName: string): { types: string; schema: string; fns: string } {
  const gen = new MessageGen(spec, names)
  const valid = parseRange(spec.validVersions)!
  const flex = parseRange(spec.flexibleVersions)
  const fieldsConst = gen.struct(spec.name, spec.fields, valid, true)
  const n = spec.name
  const kind = spec.type
  const schema = `export const ${n}Schema: MessageSchema = {\n  name: '${n}', api: '${apiName}', kind: '${kind}', apiKey: ${spec.apiKey ?? -1},\n` +
    `  versions: [${valid[0]}, ${valid[1]}], flexible: ${flex ? `[${flex[0]}, ${flex[1]}]` : 'null'},\n  fields: ${fieldsConst},\n}`
  const fns = [
    `/** Encodes a ${n} at \`version\` (${rangeText(valid)}). */`,
    `export function encode${n}(value: ${n}, version: number, opts?: WriteOptions): Buffer {\n  return encodeMessage(${n}Schema, value, version, opts)\n}\n`,
    `/** Appends a ${n} at \`version\` to a writer. */`,
    `export function write${n}(w: Writer, value: ${n}, version: number, opts?: WriteOptions): void {\n  writeMessage(${n}Schema, w, value, version, opts)\n}\n`,
    `/** Decodes a ${n} of \`version\` that fills \`buf\` from \`offset\` to its end. */`,
    `export function decode${n}(buf: Buffer, version: number, offset = 0): ${n} {\n  return decodeMessage(${n}Schema, buf, version, offset) as unknown as ${n}\n}\n`,
    `/** Reads a ${n} of \`version\` at the reader's position. */`,
    `export function read${n}(r: Reader, version: number): ${n} {\n  return readMessage(${n}Schema, r, version) as unknown as ${n}\n}`,
  ].join('\n').replace(/\*\/\nexport/g, '*/\nexport').replace(/\n}\n\/\*\*/g, '\n}\n\n/**')
  return { types: gen.interfaces.join('\n\n'), schema: [...gen.schemas, schema].join('\n\n'), fns }
}

const HEADER = (inputs: string[]): string =>
  `// Generated by protocol/generate/generate.ts from ${inputs.join(', ')}. Do not edit.\n` +
  `/* eslint-disable */\n` +
  `import { type FieldSchema, type MessageSchema, type WriteOptions, decodeMessage, encodeMessage, readMessage, writeMessage } from '../runtime/codec.js'\n` +
  `import type { Reader } from '../runtime/reader.js'\n` +
  `import type { Writer } from '../runtime/writer.js'\n`

function emitFile(file: string, specs: Spec[], apiName: string, names = structNames(specs)): void {
  const parts = specs.map((s) => emitMessage(s, names, apiName))
  const body = [HEADER(specs.map((s) => `${s.name}.json`)), ...parts.map((p) => `${p.types}\n\n${p.schema}\n\n${p.fns}\n`)].join('\n')
  writeFileSync(join(outDir, file), body)
}

function main(): void {
  mkdirSync(outDir, { recursive: true })
  const specs = new Map<string, Spec>()
  for (const f of readdirSync(specDir).filter((x) => x.endsWith('.json')).sort()) {
    const spec = parseSpec(readFileSync(join(specDir, f), 'utf8'))
    specs.set(spec.name, spec)
  }
  const apis: { key: number; name: string; file: string; unstable: boolean; versions: Range; flexible: Range; respVersions: Range; respFlexible: Range }[] = []
  for (const [name, req] of specs) {
    if (req.type !== 'request') continue
    const api = name.replace(/Request$/, '')
    const resp = specs.get(`${api}Response`)
    if (!resp) throw new Error(`no response spec for ${name}`)
    const file = `${kebab(api)}.ts`
    emitFile(file, [req, resp], api)
    apis.push({ key: req.apiKey!, name: api, file, unstable: req.latestVersionUnstable === true, versions: parseRange(req.validVersions), flexible: parseRange(req.flexibleVersions), respVersions: parseRange(resp.validVersions), respFlexible: parseRange(resp.flexibleVersions) })
  }
  emitFile('headers.ts', [specs.get('RequestHeader')!, specs.get('ResponseHeader')!], 'Header')
  // Data specs are payloads carried inside other messages' bytes fields (e.g. the consumer
  // protocol's subscription and assignment in JoinGroup and SyncGroup), one file each.
  const data = [...specs.values()].filter((s) => s.type === 'data')
  const dataNames = structNames(data)
  for (const d of data) emitFile(`${kebab(d.name)}.ts`, [d], d.name, dataNames)
  apis.sort((a, b) => a.key - b.key)

  const idx: string[] = [
    '// Generated by protocol/generate/generate.ts. Do not edit.',
    "import type { MessageSchema } from '../runtime/codec.js'",
  ]
  for (const a of apis) {
    idx.push(`import { ${a.name}RequestSchema, ${a.name}ResponseSchema } from './${a.file.replace(/\.ts$/, '.js')}'`)
  }
  idx.push('', "export * from './headers.js'")
  for (const d of data) idx.push(`export * from './${kebab(d.name)}.js'`)
  for (const a of apis) {
    const m = `./${a.file.replace(/\.ts$/, '.js')}`
    idx.push(`export type { ${a.name}Request, ${a.name}Response } from '${m}'`)
    idx.push(`export { ${a.name}RequestSchema, ${a.name}ResponseSchema, encode${a.name}Request, decode${a.name}Request, write${a.name}Request, read${a.name}Request, encode${a.name}Response, decode${a.name}Response, write${a.name}Response, read${a.name}Response } from '${m}'`)
    idx.push(`export * as ${a.name} from '${m}'`)
  }
  idx.push('', 'export interface ApiInfo {', '  readonly key: number', '  readonly name: string',
    '  /** Versions in Kafka\'s specs. */', '  readonly minVersion: number', '  readonly maxVersion: number',
    '  /** First flexible version; Infinity when none. */', '  readonly flexibleFrom: number',
    '  /** maxVersion, or one less where Kafka marks its newest version unstable. */', '  readonly maxStableVersion: number',
    '  readonly request: MessageSchema', '  readonly response: MessageSchema', '}', '',
    '/** Every API generated, by key. */', 'export const APIS: readonly ApiInfo[] = [')
  for (const a of apis) {
    if (a.versions![0] !== a.respVersions![0] || a.versions![1] !== a.respVersions![1]) throw new Error(`${a.name}: request and response versions differ`)
    if (a.flexible?.[0] !== a.respFlexible?.[0]) throw new Error(`${a.name}: request and response flexible versions differ`)
    idx.push(`  { key: ${a.key}, name: '${a.name}', minVersion: ${a.versions![0]}, maxVersion: ${a.versions![1]}, flexibleFrom: ${a.flexible ? a.flexible[0] : 'Infinity'}, maxStableVersion: ${a.versions![1] - (a.unstable ? 1 : 0)}, request: ${a.name}RequestSchema, response: ${a.name}ResponseSchema },`)
  }
  idx.push(']', '')
  writeFileSync(join(outDir, 'index.ts'), idx.join('\n'))
  emitErrors()
}

interface ErrorRow { code: number; name: string; retriable: boolean; message: string }

/** protocol/errors.ts from errors.json: Kafka's error codes with names, retriable flags and messages. */
function emitErrors(): void {
  const rows = JSON.parse(readFileSync(join(here, 'errors.json'), 'utf8')) as ErrorRow[]
  const codes = new Set<number>(); const names = new Set<string>()
  for (const r of rows) {
    if (codes.has(r.code) || names.has(r.name)) throw new Error(`errors.json: duplicate ${r.code} ${r.name}`)
    codes.add(r.code); names.add(r.name)
  }
  const lines = [
    '// Generated by protocol/generate/generate.ts from protocol/generate/errors.json. Do not edit.',
    '',
    'export interface KafkaErrorInfo {',
    '  readonly code: number',
    '  /** The name in Kafka\'s protocol documentation, e.g. NOT_LEADER_OR_FOLLOWER. */',
    '  readonly name: string',
    '  /** Whether the same request may succeed when retried. */',
    '  readonly retriable: boolean',
    '  readonly message: string',
    '}',
    '',
    '/** Kafka\'s error codes by name. */',
    'export const ErrorCode = {',
    ...rows.map((r) => `  ${r.name}: ${r.code},`),
    '} as const',
    '',
    'export type ErrorCodeName = keyof typeof ErrorCode',
    '',
    '/** Every error code Kafka defines, in code order. */',
    'export const ERRORS: readonly KafkaErrorInfo[] = [',
    ...rows.map((r) => `  { code: ${r.code}, name: '${r.name}', retriable: ${r.retriable}, message: ${JSON.stringify(r.message).replace(/'/g, "\\'").replace(/^"|"$/g, "'")} },`),
    ']',
    '',
    'const byCode = new Map<number, KafkaErrorInfo>(ERRORS.map((e) => [e.code, e]))',
    '',
    '/** The error with this code; a code Kafka does not define gets a non-retriable UNKNOWN_ERROR_CODE_<n>. */',
    'export function errorInfo(code: number): KafkaErrorInfo {',
    '  return byCode.get(code) ?? { code, name: `UNKNOWN_ERROR_CODE_${code}`, retriable: false, message: `Error code ${code} is not known to this client.` }',
    '}',
    '',
    'export function isRetriable(code: number): boolean {',
    '  return byCode.get(code)?.retriable ?? false',
    '}',
    '',
  ]
  writeFileSync(join(here, '..', 'errors.ts'), lines.join('\n'))
}

main()
