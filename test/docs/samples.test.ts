// Every ```ts block of README.md and docs/*.md is type-checked against the package's sources
// (one tsc run over all of them); blocks marked `<!-- sample: run -->` are also run with tsx and
// must exit 0. `<!-- sample: skip <reason> -->` leaves a block out, `<!-- sample: pending
// <feature> -->` marks one that names a feature not merged yet.
import { execFile } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { beforeAll, describe, expect, it } from 'vitest'
import { extractSamples, type Sample } from './markdown-samples.js'
import { writeSamples, type SampleFile } from './sample-files.js'

const run = promisify(execFile)
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const outDir = path.join(root, 'test/docs/.samples')
const pages = ['README.md', ...readdirSync(path.join(root, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)]
const samples: Sample[] = pages.flatMap((page) => extractSamples(root, page))
const checked = samples.filter((s) => s.mode === 'check' || s.mode === 'run')

/** tsc's `file(line,col): error` lines, pointed back at the page and line of the sample. */
function toPageErrors(output: string, files: SampleFile[]): string[] {
  return output
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const m = /^(.+?)\((\d+),(\d+)\): (.*)$/.exec(l)
      const f = m && files.find((x) => path.resolve(root, m[1]!) === x.file)
      return f ? `${f.sample.page}:${f.sample.line + Number(m[2]) - 1 - f.offset}:${m[3]} ${m[4]}` : l
    })
}

describe('docs samples', () => {
  let files: SampleFile[] = []
  beforeAll(() => {
    files = writeSamples(root, outDir, checked)
  })

  it('finds the samples of every page', () => {
    expect(checked.length).toBeGreaterThan(20)
    const pending = samples.filter((s) => s.mode === 'pending')
    if (pending.length > 0) console.log(`pending samples:\n${pending.map((s) => `  ${s.page}:${s.line} ${s.note}`).join('\n')}`)
  })

  it('every sample type-checks against the package', async () => {
    const tsc = path.join(root, 'node_modules/typescript/bin/tsc')
    const result = await run(process.execPath, [tsc, '--noEmit', '--pretty', 'false', '-p', path.join(outDir, 'tsconfig.json')], { cwd: root }).then(
      () => '',
      (err: { stdout?: string; message: string }) => err.stdout || err.message,
    )
    expect(toPageErrors(result, files)).toEqual([])
  }, 180_000)

  for (const sample of samples.filter((s) => s.mode === 'run')) {
    it(`${sample.page}:${sample.line} runs`, async () => {
      // Run where the type-check wrote it, next to the page's other files it may import.
      const file = files.find((f) => f.sample === sample)
      const work = mkdtempSync(path.join(tmpdir(), 'kstreams-sample-'))
      try {
        // A private TMPDIR keeps the default stateDir (<tmpdir>/kstreams) away from other runs.
        // A test file runs under vitest (its own config: the suite's would not collect it), a program under tsx.
        const isTest = file!.file.endsWith('.test-sample.ts')
        const [cmd, args] = isTest
          ? [path.join(root, 'node_modules/.bin/vitest'), ['run', '--config', path.join(root, 'test/docs/vitest.samples.config.ts'), file!.file]]
          : [path.join(root, 'node_modules/.bin/tsx'), [file!.file]]
        const { stdout } = await run(cmd, args, {
          cwd: isTest ? root : work,
          env: { ...process.env, TMPDIR: work },
          timeout: 60_000,
        })
        expect(stdout).not.toBe('')
      } finally {
        rmSync(work, { recursive: true, force: true })
      }
    }, 90_000)
  }
})
