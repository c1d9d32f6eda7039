import { parseArgs, type ParseArgsConfig } from 'node:util'
import { UsageError } from './cli-errors.js'
import { didYouMean } from './did-you-mean.js'

type Options = NonNullable<ParseArgsConfig['options']>

/**
 * node:util parseArgs for one command, with its mistakes as UsageErrors: an unknown option names a
 * close known one (`Unknown option '--broker' (did you mean --brokers?)`), a missing value names
 * the option.
 */
export function parseCommandArgs<O extends Options>(args: string[], options: O, allowPositionals = false) {
  const { tokens } = parseArgs({ args, options, strict: false, allowPositionals: true, tokens: true })
  const known = Object.entries(options).flatMap(([name, o]) => [`--${name}`, ...(o.short ? [`-${o.short}`] : [])])
  for (const token of tokens) {
    if (token.kind === 'positional' && !allowPositionals) throw new UsageError(`Unexpected argument '${token.value}'`)
    if (token.kind !== 'option') continue
    const option = options[token.name]
    if (option === undefined) {
      const suggestion = token.rawName.startsWith('--') ? didYouMean(token.rawName, known.filter(k => k.startsWith('--'))) : null
      throw new UsageError(`Unknown option '${token.rawName}'${suggestion ? ` (did you mean ${suggestion}?)` : ''}`)
    }
    if (option.type === 'string' && token.value === undefined) throw new UsageError(`Option '${token.rawName}' needs a value`)
    if (option.type === 'boolean' && token.inlineValue) throw new UsageError(`Option '${token.rawName}' takes no value`)
  }
  return parseArgs({ args, options, strict: true, allowPositionals })
}
