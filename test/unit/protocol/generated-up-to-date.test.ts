// The committed output is what the generator makes from the committed inputs.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, readdirSync, cpSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

describe('generated protocol code', () => {
  it('is up to date with the generator and its inputs', () => {
    const root = join(__dirname, '..', '..', '..')
    const tmp = mkdtempSync(join(tmpdir(), 'protocol-gen-'))
    try {
      cpSync(join(root, 'protocol', 'generate'), join(tmp, 'protocol', 'generate'), { recursive: true })
      execFileSync(process.execPath, [join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(tmp, 'protocol', 'generate', 'generate.ts')], { stdio: 'pipe' })
      const files = readdirSync(join(root, 'protocol', 'messages'))
      expect(readdirSync(join(tmp, 'protocol', 'messages')).sort()).toEqual(files.sort())
      for (const f of files) {
        expect(readFileSync(join(tmp, 'protocol', 'messages', f), 'utf8'), f).toBe(readFileSync(join(root, 'protocol', 'messages', f), 'utf8'))
      }
      expect(readFileSync(join(tmp, 'protocol', 'errors.ts'), 'utf8')).toBe(readFileSync(join(root, 'protocol', 'errors.ts'), 'utf8'))
    } finally {
      rmSync(tmp, { recursive: true, force: true })
    }
  }, 60_000)
})
