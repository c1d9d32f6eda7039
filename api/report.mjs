// The checked API report: one api/<name>.api.md per public entry (package.json `exports`), made by
// API Extractor from the built declarations (dist/*.d.ts). `node api/report.mjs` checks that the
// committed reports match what the entries export and fails otherwise; `--update` rewrites them.
// dist/ is rebuilt first when it is missing or older than the sources.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const require = createRequire(import.meta.url)
const { Extractor, ExtractorConfig } = require('@microsoft/api-extractor')
const ts = require('typescript')

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const apiDir = join(root, 'api')
const configPath = join(apiDir, 'api-extractor.json')
const update = process.argv.includes('--update')
const REWRITE_NOTICES = new Set(['console-api-report-copied', 'console-api-report-created'])
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))

/** The public entries: `.` → kstreams.api.md, `./testing` → kstreams-testing.api.md, … */
const entries = Object.entries(pkg.exports)
  .filter(([, target]) => typeof target === 'object' && target.import?.types)
  .map(([subpath, target]) => ({
    subpath,
    name: `${pkg.name}${subpath.slice(1)}`,
    dts: join(root, target.import.types),
    report: subpath === '.' ? pkg.name : `${pkg.name}-${subpath.slice(2).replaceAll('/', '-')}`,
  }))

/** Newest modification time of the inputs of `npm run build`. */
function newestSource() {
  let newest = 0
  const visit = (path) => {
    const stat = statSync(path)
    if (stat.isDirectory()) {
      for (const name of readdirSync(path)) if (name !== 'node_modules') visit(join(path, name))
    } else if (path.endsWith('.ts') || path.endsWith('.json')) newest = Math.max(newest, stat.mtimeMs)
  }
  for (const path of ['lib', 'topology', 'stores', 'broker', 'tsup.config.ts', 'tsconfig.json', 'tsconfig.build.json', 'package.json']) {
    if (existsSync(join(root, path))) visit(join(root, path))
  }
  return newest
}

function buildIfStale() {
  const built = entries.map((e) => (existsSync(e.dts) ? statSync(e.dts).mtimeMs : 0))
  if (Math.min(...built) > newestSource()) return
  console.log('api: building dist/ (its declarations are missing or older than the sources)')
  const build = spawnSync('npm', ['run', 'build'], { cwd: root, encoding: 'utf8' })
  if (build.status !== 0) {
    process.stderr.write(`${build.stdout}${build.stderr}`)
    console.error('api: `npm run build` failed; the API report needs the built declarations')
    process.exit(1)
  }
}

/**
 * The entries whose every export is also exported by the root entry (`kstreams/testing`): a type
 * their signatures name is checked for being exported by the root entry's report, where users
 * import it from, rather than by theirs.
 */
function subsetsOfRoot() {
  const rootEntry = entries.find((e) => e.subpath === '.')
  const program = ts.createProgram(
    entries.map((e) => e.dts),
    { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, skipLibCheck: true, types: ['node'] },
  )
  const checker = program.getTypeChecker()
  const declarationsOf = (entry) => {
    const module = checker.getSymbolAtLocation(program.getSourceFile(entry.dts))
    return checker.getExportsOfModule(module).map((symbol) => {
      const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol
      return target.declarations?.[0]
    })
  }
  const rootDeclarations = new Set(declarationsOf(rootEntry))
  return new Set(entries.filter((e) => e !== rootEntry && declarationsOf(e).every((d) => rootDeclarations.has(d))))
}

buildIfStale()
const base = ExtractorConfig.loadFile(configPath)
const checkedThroughRoot = subsetsOfRoot()
const failed = []
for (const entry of entries) {
  const configObject = {
    ...base,
    mainEntryPointFilePath: entry.dts,
    apiReport: { ...base.apiReport, reportFileName: entry.report },
  }
  if (checkedThroughRoot.has(entry)) {
    const reporting = configObject.messages.extractorMessageReporting
    configObject.messages = {
      ...configObject.messages,
      extractorMessageReporting: { ...reporting, 'ae-forgotten-export': { logLevel: 'none', addToApiReportFile: false } },
    }
  }
  const config = ExtractorConfig.prepare({ configObject, configObjectFullPath: configPath, packageJsonFullPath: join(root, 'package.json') })
  const result = Extractor.invoke(config, {
    localBuild: update,
    printApiReportDiff: !update,
    // Only what needs reading: warnings and errors, not the preamble (nor, when updating, the
    // notice that a report was rewritten: the line below says it).
    messageCallback: (message) => {
      if (message.logLevel === 'info' || message.logLevel === 'verbose') message.handled = true
      if (update && REWRITE_NOTICES.has(message.messageId)) message.handled = true
    },
  })
  if (!result.succeeded) failed.push(entry)
  else if (result.apiReportChanged) console.log(`api: updated api/${entry.report}.api.md (${entry.name})`)
}

// A report whose entry is gone would otherwise stay committed, unchecked.
const expected = new Set(entries.map((e) => `${e.report}.api.md`))
const stale = readdirSync(apiDir).filter((name) => name.endsWith('.api.md') && !expected.has(name))
if (stale.length > 0) {
  if (update) for (const name of stale) rmSync(join(apiDir, name))
  else failed.push(...stale.map((name) => ({ name: `api/${name} (no such entry)` })))
}

if (failed.length > 0) {
  const names = failed.map((e) => e.name).join(', ')
  console.error(
    update
      ? `\napi: fix the errors above for ${names} (a signature names a type its entry does not ` +
          'export: export it if it is public, otherwise stop exposing it, e.g. with @internal).'
      : `\napi: the public API of ${names} differs from its committed report in api/ (diff and errors above).\n` +
          'If the change is intended, run `npm run api:update` and commit the changed api/*.api.md with it;\n' +
          'otherwise fix the exports (README.md, "The public API report").',
  )
  process.exit(1)
}
console.log(`api: ${update ? 'reports written' : 'reports match'} for ${entries.map((e) => e.name).join(', ')}`)
