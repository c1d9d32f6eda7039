import type { Logger } from './types.js'

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40, nothing: 100 } as const
export type LogLevelName = keyof typeof LEVELS

/** A console logger; the default prints warnings and errors only, so applications own their output. */
export function consoleLogger(level: LogLevelName = 'warn', prefix = 'kstreams'): Logger {
  const min = LEVELS[level]
  const emit = (lvl: Exclude<LogLevelName, 'nothing'>, message: string, extra?: Record<string, unknown>) => {
    if (LEVELS[lvl] < min) return
    const line = `[${prefix}] ${lvl.toUpperCase()} ${message}`
    const sink = lvl === 'error' || lvl === 'warn' ? console.error : console.log
    if (extra && Object.keys(extra).length > 0) sink(line, extra)
    else sink(line)
  }
  return {
    debug: (m, e) => emit('debug', m, e),
    info: (m, e) => emit('info', m, e),
    warn: (m, e) => emit('warn', m, e),
    error: (m, e) => emit('error', m, e),
  }
}
