import type { LogFields, LogFn, Logger } from './types.js'

/** The part of a winston logger the adapter uses: `level(message, meta)` and `child(meta)`. */
export interface WinstonLikeLogger {
  debug(message: string, meta?: object): unknown
  info(message: string, meta?: object): unknown
  warn(message: string, meta?: object): unknown
  error(message: string, meta?: object): unknown
  child?(meta: object): WinstonLikeLogger
}

/**
 * Errors as plain fields (type, message, stack, code): winston's JSON formats drop an Error's
 * own properties, which are not enumerable.
 */
function plainErrors(fields: LogFields): LogFields {
  const out: LogFields = {}
  for (const [k, v] of Object.entries(fields)) {
    out[k] = v instanceof Error ? { type: v.name, message: v.message, stack: v.stack, ...('code' in v ? { code: (v as { code: unknown }).code } : {}) } : v
  }
  return out
}

/** Adapts a winston logger (message first, meta second) to kstreams' pino-shaped Logger. */
export function winstonLogger(w: WinstonLikeLogger): Logger {
  const make = (m: 'debug' | 'info' | 'warn' | 'error'): LogFn =>
    ((a: LogFields | string, b?: string) => {
      if (typeof a === 'string') w[m](a)
      else w[m](b ?? '', plainErrors(a ?? {}))
    }) as LogFn
  const out: Logger = { debug: make('debug'), info: make('info'), warn: make('warn'), error: make('error') }
  if (typeof w.child === 'function') out.child = bindings => winstonLogger(w.child!(plainErrors(bindings)))
  return out
}
