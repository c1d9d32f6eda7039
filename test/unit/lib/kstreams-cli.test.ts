// Drives the `kstreams` command as a child process, as a user's shell would.
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { Kafka, logLevel } from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EmbeddedKafka } from '../../../broker/index.js'
import { renderAscii, renderDot, renderMermaid } from '../../../topology/index.js'
import wordCount from './fixtures/describe-topology.js'

const CLI = new URL('../../../bin/kstreams.ts', import.meta.url).pathname
const FIXTURE = new URL('./fixtures/describe-topology.ts', import.meta.url).pathname
const NOT_A_TOPOLOGY = new URL('./fixtures/not-a-topology.ts', import.meta.url).pathname

function start(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d) => { stdout += d })
  child.stderr.on('data', (d) => { stderr += d })
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  return { child, exited, out: () => stdout, err: () => stderr }
}

async function run(...args: string[]) {
  const p = start(args)
  const code = await p.exited
  return { code, out: p.out(), err: p.err() }
}

describe('kstreams CLI', () => {
  it('--version prints the version of package.json; --help lists the commands', async () => {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }
    expect(await run('--version')).toMatchObject({ code: 0, out: `${pkg.version}\n` })
    const help = await run('--help')
    expect(help.code).toBe(0)
    for (const command of ['broker', 'describe', 'reset']) expect(help.out).toMatch(new RegExp(`^  ${command} `, 'm'))
  })

  it('suggests the closest command and option', async () => {
    const command = await run('rest')
    expect(command.code).toBe(2)
    expect(command.err).toContain("unknown command 'rest' (did you mean reset?)")
    const option = await run('reset', '--application-id', 'a', '--broker', 'localhost:9092')
    expect(option.code).toBe(2)
    expect(option.err).toContain("Unknown option '--broker' (did you mean --brokers?)")
    expect(option.err).toContain('Usage: kstreams reset')
  })

  it('checks --brokers entries are host:port, naming the entry at fault', async () => {
    const noPort = await run('reset', '--application-id', 'a', '--brokers', 'localhost')
    expect(noPort.code).toBe(2)
    expect(noPort.err).toContain('--brokers: "localhost" is not host:port')
    const badPort = await run('reset', '--application-id', 'a', '--brokers', 'a:9092,b:x')
    expect(badPort.code).toBe(2)
    expect(badPort.err).toContain('--brokers: "b:x" has port "x"')
  })

  it('describe prints the module\'s topology in each format', async () => {
    const topology = wordCount()
    const expected = {
      text: topology.describe().toString(),
      mermaid: renderMermaid(topology),
      dot: renderDot(topology),
      ascii: renderAscii(topology),
    }
    for (const [format, text] of Object.entries(expected)) {
      const r = await run('describe', FIXTURE, '--format', format)
      expect(r.code, r.err).toBe(0)
      expect(r.out.trimEnd()).toBe(text.trimEnd())
    }
    expect((await run('describe', FIXTURE)).out.trimEnd()).toBe(expected.text.trimEnd())
  })

  it('describe names a wrong format, a missing module and a module without a topology', async () => {
    const format = await run('describe', FIXTURE, '--format', 'svg')
    expect(format.code).toBe(2)
    expect(format.err).toContain('--format: expected one of text, mermaid, dot, ascii, got "svg"')
    const missing = await run('describe', 'no-such-module.ts')
    expect(missing.code).toBe(1)
    expect(missing.err).toContain('no-such-module.ts: no such file')
    const none = await run('describe', NOT_A_TOPOLOGY)
    expect(none.code).toBe(1)
    expect(none.err).toContain('its default export is missing')
  })

  it('broker prints its address, accepts connections and stops cleanly on SIGINT', async () => {
    const p = start(['broker', '--port', '0'])
    try {
      let match: RegExpExecArray | null = null
      while (!(match = /127\.0\.0\.1:(\d+)/.exec(p.out()))) {
        if (p.child.exitCode !== null) throw new Error(`broker exited: ${p.err()}`)
        await new Promise((r) => setTimeout(r, 50))
      }
      const admin = new Kafka({ brokers: [match[0]], logLevel: logLevel.NOTHING }).admin()
      await admin.connect()
      expect(await admin.listTopics()).toEqual([])
      await admin.disconnect()
      p.child.kill('SIGINT')
      expect(await p.exited).toBe(0)
      expect(p.out()).toContain('kstreams broker stopped (SIGINT)')
    } finally {
      p.child.kill('SIGKILL')
    }
  })

  describe('reset against the embedded broker', () => {
    let kafka: EmbeddedKafka
    beforeAll(async () => {
      kafka = await EmbeddedKafka.start({ port: 0 })
      const admin = new Kafka({ brokers: kafka.brokers, logLevel: logLevel.NOTHING }).admin()
      await admin.connect()
      await admin.createTopics({ topics: [{ topic: 'known-app-counts-changelog' }, { topic: 'lines' }] })
      await admin.disconnect()
    })
    afterAll(async () => {
      await kafka?.stop()
    })

    it('an unknown application id is an error naming the id', async () => {
      const r = await run('reset', '--application-id', 'no-such-app', '--brokers', kafka.brokers[0]!)
      expect(r.code).toBe(1)
      expect(r.err).toContain('Unknown application id "no-such-app"')
    })

    it('a known application id is reset', async () => {
      const r = await run('reset', '--application-id', 'known-app', '--brokers', kafka.brokers[0]!)
      expect(r.code, r.err).toBe(0)
      expect(r.out).toContain('Deleted internal topics: known-app-counts-changelog')
    })
  })
})
