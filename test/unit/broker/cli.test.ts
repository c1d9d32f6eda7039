import { spawn } from 'node:child_process'
import { connect } from 'node:net'
import { describe, expect, it } from 'vitest'

const CLI = new URL('../../../broker/cli.ts', import.meta.url).pathname

function run(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d) => { stdout += d })
  child.stderr.on('data', (d) => { stderr += d })
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  return { child, exited, out: () => stdout, err: () => stderr }
}

describe('broker CLI', () => {
  it('prints the address once it accepts connections and stops cleanly on SIGTERM', async () => {
    const p = run(['--port', '0'])
    try {
      const deadline = Date.now() + 20_000
      let match: RegExpExecArray | null = null
      while (!(match = /127\.0\.0\.1:(\d+)/.exec(p.out())) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
      expect(match).not.toBeNull()
      const port = Number(match![1])
      await new Promise<void>((resolve, reject) => {
        const s = connect({ host: '127.0.0.1', port }, () => { s.destroy(); resolve() })
        s.on('error', reject)
      })
      p.child.kill('SIGTERM')
      expect(await p.exited).toBe(0)
      expect(p.out()).toContain('stopped (SIGTERM)')
    } finally {
      p.child.kill('SIGKILL')
    }
  })

  it('rejects an unknown flag with a message naming it', async () => {
    const p = run(['--prot', '9092'])
    expect(await p.exited).toBe(2)
    expect(p.err()).toMatch(/Unknown option '--prot'/)
    expect(p.err()).toMatch(/usage: npm run broker/)
  })

  it('rejects a port that is not a number', async () => {
    const p = run(['--port', 'abc'])
    expect(await p.exited).toBe(2)
    expect(p.err()).toMatch(/--port must be an integer/)
  })
})
