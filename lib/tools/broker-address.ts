import { UsageError } from './cli-errors.js'

/**
 * `host:port[,host:port...]` as a list, each entry checked: a clear message naming the entry at
 * fault instead of the client's own error later (a missing port used to surface as NaN).
 */
export function parseBrokerList(text: string, flag = '--brokers'): string[] {
  const entries = text.split(',').map(b => b.trim()).filter(Boolean)
  if (entries.length === 0) throw new UsageError(`Missing ${flag}`)
  for (const entry of entries) {
    const colon = entry.lastIndexOf(':')
    const host = colon > 0 ? entry.slice(0, colon) : ''
    const port = colon > 0 ? entry.slice(colon + 1) : ''
    if (host === '' || port === '') throw new UsageError(`${flag}: "${entry}" is not host:port (for example localhost:9092)`)
    if (!/^\d+$/.test(port) || Number(port) < 1 || Number(port) > 65535) {
      throw new UsageError(`${flag}: "${entry}" has port "${port}"; a port is a number from 1 to 65535`)
    }
  }
  return entries
}
