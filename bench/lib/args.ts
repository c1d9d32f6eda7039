// Benchmark options: `--name N` pairs of positive integers, each with a default.

export function parseArgs<T extends Record<string, number>>(defaults: T, argv = process.argv.slice(2)): T {
  const out: Record<string, number> = { ...defaults }
  const known = () => Object.keys(defaults).map((k) => `--${k}`).join(' ')
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!
    const name = flag.replace(/^--/, '')
    if (!flag.startsWith('--') || !(name in defaults)) throw new Error(`unknown option ${flag}; known: ${known()}`)
    const text = argv[++i]
    const value = Number(text)
    if (text === undefined || !Number.isSafeInteger(value) || value <= 0) throw new Error(`${flag} needs a positive integer, got ${text ?? 'nothing'}`)
    out[name] = value
  }
  return out as T
}
