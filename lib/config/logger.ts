import { inspect } from 'node:util'
import type { LogFields, LogFn, Logger, LogLevel } from './types.js'

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const satisfies readonly LogLevel[]
type Method = Exclude<LogLevel, 'silent'>
const METHODS: readonly Method[] = ['debug', 'info', 'warn', 'error']
const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 }

/** The two call shapes of LogFn as one pair. */
function split(a: LogFields | string, b: string | undefined): [LogFields, string] {
  return typeof a === 'string' ? [{}, a] : [a ?? {}, b ?? '']
}

function render(fields: LogFields): string {
  const { err, ...rest } = fields
  let out = Object.keys(rest).length > 0 ? ` ${inspect(rest, { depth: 4, breakLength: Infinity })}` : ''
  if (err instanceof Error) out += `\n${err.stack ?? `${err.name}: ${err.message}`}`
  else if (err !== undefined) out += ` err=${inspect(err)}`
  return out
}

/** A console logger; the default prints warnings and errors only, so applications own their output. */
export function consoleLogger(level: LogLevel = 'warn', prefix = 'kstreams', bindings: LogFields = {}): Logger {
  const min = RANK[level]
  const make = (lvl: Method): LogFn =>
    ((a: LogFields | string, b?: string) => {
      if (RANK[lvl] < min) return
      const [fields, message] = split(a, b)
      const sink = lvl === 'error' || lvl === 'warn' ? console.error : console.log
      sink(`[${prefix}] ${lvl.toUpperCase()} ${message}${render({ ...bindings, ...fields })}`)
    }) as LogFn
  return {
    debug: make('debug'),
    info: make('info'),
    warn: make('warn'),
    error: make('error'),
    child: more => consoleLogger(level, prefix, { ...bindings, ...more }),
  }
}

/** Drops lines below `level` before they reach `logger`; its children are filtered alike. */
export function withLogLevel(logger: Logger, level: LogLevel): Logger {
  const min = RANK[level]
  const out = { child: (b: LogFields) => withLogLevel(childLogger(logger, b), level) } as Logger
  for (const m of METHODS) out[m] = RANK[m] < min ? () => {} : logger[m].bind(logger)
  return out
}

/**
 * `logger.child(bindings)` when the logger has one; otherwise a wrapper adding the bindings to
 * every line's fields, so per-thread and per-task context is never lost.
 */
export function childLogger(logger: Logger, bindings: LogFields): Logger {
  if (typeof logger.child === 'function') return logger.child(bindings)
  const out = { child: (b: LogFields) => childLogger(logger, { ...bindings, ...b }) } as Logger
  for (const m of METHODS) {
    out[m] = ((a: LogFields | string, b?: string) => {
      const [fields, message] = split(a, b)
      logger[m]({ ...bindings, ...fields }, message)
    }) as LogFn
  }
  return out
}
