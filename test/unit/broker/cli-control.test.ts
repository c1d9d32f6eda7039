import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { Metadata, RawClient } from './raw-client.js'

const CLI = new URL('../../../broker/cli.ts', import.meta.url).pathname
const cleanup: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f()
})

/** The CLI with --control: send a command, read its one-line answer. */
async function controlled(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, '--port', '0', '--control', ...args], { stdio: ['pipe', 'pipe', 'pipe'] })
  cleanup.push(() => void child.kill('SIGKILL'))
  const exited = new Promise<number | null>(resolve => child.on('exit', code => resolve(code)))
  const lines: string[] = []
  let buf = ''
  let wake: (() => void) | null = null
  child.stdout.on('data', (d: Buffer) => {
    buf += d.toString()
    let i
    while ((i = buf.indexOf('\n')) >= 0) {
      lines.push(buf.slice(0, i))
      buf = buf.slice(i + 1)
    }
    wake?.()
  })
  const next = async (match: RegExp): Promise<string> => {
    for (let waited = 0; waited < 200; waited++) {
      const i = lines.findIndex(l => match.test(l))
      if (i >= 0) return lines.splice(0, i + 1)[i]!
      await new Promise<void>(r => ((wake = r), setTimeout(r, 100)))
    }
    throw new Error(`no line matching ${match} (stdout so far: ${lines.join(' | ')})`)
  }
  const port = Number(/127\.0\.0\.1:(\d+)/.exec(await next(/listening on/))![1])
  const send = async (cmd: object): Promise<Record<string, unknown>> => {
    child.stdin.write(JSON.stringify(cmd) + '\n')
    return JSON.parse(await next(/^\{/)) as Record<string, unknown>
  }
  return { child, port, send, next, exited }
}

describe('broker CLI control channel (--control)', () => {
  it('injects failures and clears them, answering one line per command', async () => {
    const b = await controlled(['--partitions', '2'])
    const c = await RawClient.connect(b.port)
    cleanup.push(() => c.close())
    const ask = async () => (await c.request(Metadata, 9, { topics: [{ name: 't' }], allowAutoTopicCreation: true })).body.topics[0]
    expect(await b.send({ op: 'ping', id: 1 })).toEqual({ id: 1, ok: true, op: 'ping' })
    expect(await b.send({ op: 'failNext', api: 'Metadata', count: 1, errorCode: 5 })).toEqual({ ok: true, op: 'failNext' })
    expect(await ask()).toMatchObject({ name: 't', errorCode: 5 })
    expect((await ask()).errorCode).toBe(0)
    await b.send({ op: 'failNext', api: 'Metadata', count: 5, errorCode: 5 })
    expect(await b.send({ op: 'clear' })).toEqual({ ok: true, op: 'clear' })
    expect((await ask()).partitions).toHaveLength(2)
  })

  it('drops connections, restarts on the same data dir, and names what is wrong in a bad command', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cli-control-'))
    cleanup.push(() => rm(dir, { recursive: true, force: true }))
    const b = await controlled(['--data-dir', dir])
    const c = await RawClient.connect(b.port)
    expect(await b.send({ op: 'dropConnections' })).toEqual({ ok: true, op: 'dropConnections' })
    for (let i = 0; i < 100 && !c.closed; i++) await new Promise(r => setTimeout(r, 20))
    expect(c.closed).toBe(true)
    expect(await b.send({ op: 'restart' })).toEqual({ ok: true, op: 'restart' })
    const again = await RawClient.connect(b.port)
    cleanup.push(() => again.close())
    expect(await b.send({ op: 'failNext', api: 'NoSuchApi', count: 1, errorCode: 6 })).toMatchObject({ ok: false, op: 'failNext', error: expect.stringMatching(/NoSuchApi/) })
    expect(await b.send({ op: 'explode' })).toMatchObject({ ok: false, error: expect.stringMatching(/unknown op "explode"/) })
    b.child.stdin.write('not json\n')
    expect(JSON.parse(await b.next(/^\{/))).toMatchObject({ ok: false, error: expect.stringMatching(/bad control line "not json"/) })
  })

  it('stops cleanly when its control input closes', async () => {
    const b = await controlled([])
    b.child.stdin.end()
    expect(await b.exited).toBe(0)
    await b.next(/stopped \(end of control input\)/)
  })
})
