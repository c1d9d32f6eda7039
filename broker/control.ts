// A control channel for a broker in its own process: one JSON command per line in, one JSON
// answer per line out. Test harnesses use it to inject faults into a broker they cannot reach
// in-process (chaos runs kill -9 the broker and start it again on the same data dir).

import { createInterface } from 'node:readline'
import type { Readable, Writable } from 'node:stream'
import type { EmbeddedKafka } from './embedded-kafka.js'

export type ControlCommand =
  | { op: 'ping' }
  | { op: 'dropConnections' }
  | { op: 'failNext'; api: string | number; count: number; errorCode: number }
  | { op: 'delay'; api: string | number; ms: number }
  | { op: 'clear'; api?: string | number }
  | { op: 'restart' }

export interface ControlAnswer {
  id?: unknown
  ok: boolean
  op?: string
  error?: string
}

/** Runs one command against the broker; throws with a message naming what is wrong. */
export async function runControlCommand(kafka: EmbeddedKafka, cmd: ControlCommand): Promise<void> {
  switch (cmd.op) {
    case 'ping':
      return
    case 'dropConnections':
      kafka.faults.dropConnections()
      return
    case 'failNext':
      kafka.faults.failNext(cmd.api, cmd.count, cmd.errorCode)
      return
    case 'delay':
      kafka.faults.delay(cmd.api, cmd.ms)
      return
    case 'clear':
      kafka.faults.clear(cmd.api)
      return
    case 'restart':
      await kafka.restart()
      return
    default:
      throw new Error(`unknown op ${JSON.stringify((cmd as { op?: unknown }).op)} (expected ping, dropConnections, failNext, delay, clear or restart)`)
  }
}

/**
 * Reads commands from `input` until it ends, answering each on `output` in order (commands run
 * one at a time, so a restart finishes before the next command). Calls `onEnd` when the input
 * closes: the controller went away.
 */
export function attachControl(kafka: EmbeddedKafka, input: Readable, output: Writable, onEnd: () => void): void {
  const lines = createInterface({ input, crlfDelay: Infinity })
  let chain = Promise.resolve()
  lines.on('line', line => {
    if (line.trim() === '') return
    chain = chain.then(async () => {
      let answer: ControlAnswer
      let cmd: ControlCommand & { id?: unknown }
      try {
        cmd = JSON.parse(line) as ControlCommand & { id?: unknown }
        if (cmd === null || typeof cmd !== 'object' || typeof cmd.op !== 'string') throw new Error('a command is a JSON object with a string "op"')
      } catch (err) {
        output.write(JSON.stringify({ ok: false, error: `bad control line ${JSON.stringify(line.slice(0, 200))}: ${(err as Error).message}` }) + '\n')
        return
      }
      try {
        await runControlCommand(kafka, cmd)
        answer = { ok: true, op: cmd.op }
      } catch (err) {
        answer = { ok: false, op: cmd.op, error: (err as Error).message }
      }
      if (cmd.id !== undefined) answer = { id: cmd.id, ...answer }
      output.write(JSON.stringify(answer) + '\n')
    })
  })
  lines.on('close', () => void chain.then(onEnd))
}
