import { afterEach, describe, expect, it, vi } from 'vitest'
import { childLogger, consoleLogger, withLogLevel } from '../../../lib/config/logger.js'
import { resolveConfig } from '../../../lib/config/resolve.js'
import type { LogFields, Logger } from '../../../lib/config/types.js'
import { winstonLogger } from '../../../lib/config/winston-logger.js'
import { StreamsConfigError } from '../../../lib/config/errors.js'

interface Line {
  level: string
  fields: LogFields
  message: string | undefined
}

/** A logger with pino's call shape: `level(fields, message)` or `level(message)`, and `child(bindings)`. */
export function pinoShaped(lines: Line[] = [], bindings: LogFields = {}): Logger & { lines: Line[] } {
  const at = (level: string) => (a: LogFields | string, b?: string) =>
    void lines.push(typeof a === 'string' ? { level, fields: { ...bindings }, message: a } : { level, fields: { ...bindings, ...a }, message: b })
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: b => pinoShaped(lines, { ...bindings, ...b }) }
}

/** A logger with winston's call shape: `level(message, meta)`, and `child(defaultMeta)`. */
function winstonShaped(lines: { level: string; message: string; meta: Record<string, unknown> }[] = [], defaults: Record<string, unknown> = {}) {
  const at = (level: string) => (message: string, meta?: object) => {
    // As winston's JSON format: the meta object serialized, Errors' own properties lost.
    void lines.push({ level, message, meta: JSON.parse(JSON.stringify({ ...defaults, ...(meta ?? {}) })) as Record<string, unknown> })
  }
  const w = { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: (m: object) => winstonShaped(lines, { ...defaults, ...m }) }
  return w
}

const base = { applicationId: 'app', brokers: ['127.0.0.1:9092'] }

describe('logging', () => {
  afterEach(() => {
    vi.restoreAllMocks()
  })

  it('a pino-shaped logger is used as it is: fields first, errors under err', () => {
    const pino = pinoShaped()
    const { logger } = resolveConfig({ ...base, logger: pino })
    const err = new Error('broken')
    logger.warn({ err, task: '0_1' }, 'Commit failed')
    expect(pino.lines).toEqual([{ level: 'warn', fields: { err, task: '0_1' }, message: 'Commit failed' }])
  })

  it('logLevel filters a logger of the application, its children too; without logLevel the logger decides', () => {
    const pino = pinoShaped()
    const { logger } = resolveConfig({ ...base, logger: pino, logLevel: 'warn' })
    logger.info('dropped')
    logger.warn('kept')
    logger.child!({ thread: 't1' }).debug('dropped too')
    logger.child!({ thread: 't1' }).error({ x: 1 }, 'kept too')
    expect(pino.lines.map(l => [l.message, l.fields])).toEqual([['kept', {}], ['kept too', { thread: 't1', x: 1 }]])
    const all = pinoShaped()
    resolveConfig({ ...base, logger: all }).logger.debug('passes')
    expect(all.lines).toHaveLength(1)
    const silent = pinoShaped()
    resolveConfig({ ...base, logger: silent, logLevel: 'silent' }).logger.error('nothing')
    expect(silent.lines).toEqual([])
  })

  it('rejects an unknown logLevel naming the key and the closest level', () => {
    const err = (() => {
      try {
        resolveConfig({ ...base, logLevel: 'WARN' as never })
      } catch (e) {
        return e as StreamsConfigError
      }
      throw new Error('no error')
    })()
    expect(err).toBeInstanceOf(StreamsConfigError)
    expect(err.key).toBe('logLevel')
    expect(err.message).toContain("Did you mean 'warn'?")
  })

  it('childLogger uses child() when there is one, and otherwise adds the bindings to every line', () => {
    const pino = pinoShaped()
    childLogger(pino, { task: '0_0' }).info({ n: 1 }, 'm')
    const lines: Line[] = []
    const noChild: Logger = { ...pinoShaped(lines) }
    delete noChild.child
    const c = childLogger(childLogger(noChild, { thread: 't' }), { task: '1_2' })
    c.warn('plain')
    c.error({ err: 'x' }, 'with fields')
    expect(pino.lines[0]!.fields).toEqual({ task: '0_0', n: 1 })
    expect(lines).toEqual([
      { level: 'warn', fields: { thread: 't', task: '1_2' }, message: 'plain' },
      { level: 'error', fields: { thread: 't', task: '1_2', err: 'x' }, message: 'with fields' },
    ])
  })

  it('winstonLogger passes message first and meta second, with Error fields kept as type, message and stack', () => {
    const w = winstonShaped()
    const logger = winstonLogger(w)
    const err = Object.assign(new Error('disk full'), { code: 'ENOSPC' })
    logger.error({ err, store: 'counts' }, 'Flush failed')
    logger.child!({ thread: 'app-StreamThread-1' }).info('State transition from REBALANCING to RUNNING')
    expect(w.lines[0]).toEqual({
      level: 'error',
      message: 'Flush failed',
      meta: { store: 'counts', err: { type: 'Error', message: 'disk full', stack: err.stack, code: 'ENOSPC' } },
    })
    expect(w.lines[1]).toEqual({ level: 'info', message: 'State transition from REBALANCING to RUNNING', meta: { thread: 'app-StreamThread-1' } })
  })

  it('the console logger prints fields and the stack of err, below its level nothing', () => {
    const printed: string[] = []
    vi.spyOn(console, 'error').mockImplementation((s: string) => void printed.push(s))
    vi.spyOn(console, 'log').mockImplementation((s: string) => void printed.push(s))
    const err = new Error('kaput')
    const log = consoleLogger('warn').child!({ thread: 't1' })
    log.info('hidden')
    log.warn({ err, task: '0_0' }, 'Task failed')
    expect(printed).toHaveLength(1)
    expect(printed[0]).toContain("[kstreams] WARN Task failed { thread: 't1', task: '0_0' }")
    expect(printed[0]).toContain(err.stack!)
    withLogLevel(consoleLogger('debug'), 'error').warn('also hidden')
    expect(printed).toHaveLength(1)
  })
})
