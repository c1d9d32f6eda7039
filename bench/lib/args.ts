// Benchmark options: `--name value` pairs, each with a default. A numeric default takes a positive
// integer; a string default takes one of the values listed in `choices` (or any text without).

export function parseArgs<T extends Record<string, number | string>>(
  defaults: T, argv = process.argv.slice(2), choices: Partial<Record<keyof T, readonly string[]>> = {},
): T {
  const out: Record<string, number | string> = { ...defaults }
  const known = () => Object.keys(defaults).map((k) => `--${k}`).join(' ')
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!
    const name = flag.replace(/^--/, '')
    if (!flag.startsWith('--') || !(name in defaults)) throw new Error(`unknown option ${flag}; known: ${known()}`)
    const text = argv[++i]
    if (typeof defaults[name] === 'string') {
      const allowed = choices[name as keyof T]
      if (text === undefined || (allowed && !allowed.includes(text))) throw new Error(`${flag} needs one of ${allowed?.join(', ') ?? 'a value'}, got ${text ?? 'nothing'}`)
      out[name] = text
      continue
    }
    const value = Number(text)
    if (text === undefined || !Number.isSafeInteger(value) || value <= 0) throw new Error(`${flag} needs a positive integer, got ${text ?? 'nothing'}`)
    out[name] = value
  }
  return out as T
}
