// Writes the docs' samples as TypeScript files that tsc can check and tsx can run: imports of
// the package map to its sources, and a fragment (a block without imports) gets the package's
// exports and the names of sample-context.ts it does not declare itself.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import ts from 'typescript'
import type { Sample } from './markdown-samples.js'

const ENTRIES: Record<string, string> = {
  kstreams: 'lib/index.js',
  'kstreams/broker': 'broker/index.js',
  'kstreams/kafkajs': 'lib/kafkajs.js',
  'kstreams/testing': 'lib/testing.js',
}

export interface SampleFile {
  sample: Sample
  /** Absolute path of the written file. */
  file: string
  /** Lines added before the sample's first line. */
  offset: number
}

/** Names exported by a module: values and types. */
export function exportedNames(file: string): string[] {
  const program = ts.createProgram([file], { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, noEmit: true, skipLibCheck: true })
  const checker = program.getTypeChecker()
  const symbol = checker.getSymbolAtLocation(program.getSourceFile(file)!)!
  return checker.getExportsOfModule(symbol).map((s) => s.name)
}

/** Top-level names a block declares or imports (so the prefix does not import them again). */
function declaredNames(code: string): Set<string> {
  const names = new Set<string>()
  for (const m of code.matchAll(/^import\s+(?:type\s+)?(?:(\w+)\s*,?\s*)?(?:\{([^}]*)\})?(?:\*\s+as\s+(\w+))?\s*from/gm)) {
    if (m[1]) names.add(m[1])
    if (m[3]) names.add(m[3])
    for (const part of (m[2] ?? '').split(',')) {
      const name = part.trim().replace(/^type\s+/, '').split(/\s+as\s+/).pop()
      if (name) names.add(name)
    }
  }
  for (const m of code.matchAll(/^(?:export\s+)?(?:declare\s+)?(?:const|let|var|function|class|interface|type|enum)\s+([A-Za-z_$][\w$]*)/gm)) names.add(m[1]!)
  return names
}

export function writeSamples(root: string, outDir: string, samples: Sample[]): SampleFile[] {
  rmSync(outDir, { recursive: true, force: true })
  const packageNames = exportedNames(path.join(root, 'lib/index.ts'))
  const contextNames = exportedNames(path.join(root, 'test/docs/sample-context.ts'))
  const files: SampleFile[] = []
  for (const sample of samples) {
    const dir = path.join(outDir, sample.page.replace(/\.md$/, '').replace(/[^\w]+/g, '-'))
    mkdirSync(dir, { recursive: true })
    const named = /^\/\/\s*([\w.-]+\.ts)\b/.exec(sample.code)?.[1]
    // A test file of the docs must not look like one of the project's own (test/**/*.test.ts):
    // the suite would pick it up. Runnable ones run with vitest.samples.config.ts.
    const file = path.join(dir, (named ?? `line-${sample.line}.ts`).replace(/\.test\.ts$/, '.test-sample.ts'))
    const rel = (p: string) => {
      const r = path.relative(dir, path.join(root, p)).split(path.sep).join('/')
      return r.startsWith('.') ? r : `./${r}`
    }
    const code = sample.code.replace(/(from\s+|import\s*\(\s*)(['"])(kstreams(?:\/\w+)?)\2/g, (all, head: string, q: string, spec: string) =>
      ENTRIES[spec] ? `${head}${q}${rel(ENTRIES[spec])}${q}` : all,
    )
    const prefix: string[] = []
    const own = declaredNames(sample.code)
    const pick = (names: string[]) => names.filter((n) => !own.has(n) && n !== 'default')
    // A fragment continues its page: it gets the package's exports. Runnable blocks are whole
    // programs and get nothing (the context has types only).
    if (!/^import\s/m.test(sample.code)) prefix.push(`import { ${pick(packageNames).join(', ')} } from '${rel('lib/index.js')}'`)
    if (sample.mode !== 'run') prefix.push(`import { ${pick(contextNames).join(', ')} } from '${rel('test/docs/sample-context.js')}'`)
    writeFileSync(file, `${prefix.join('\n')}${prefix.length ? '\n' : ''}${code}\nexport {}\n`)
    files.push({ sample, file, offset: prefix.length })
  }
  writeFileSync(
    path.join(outDir, 'tsconfig.json'),
    JSON.stringify({ extends: '../../../tsconfig.json', compilerOptions: { noEmit: true, types: ['node'] }, include: ['**/*.ts'] }, null, 2),
  )
  return files
}
