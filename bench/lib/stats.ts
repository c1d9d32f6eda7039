// Min / median / max over repetitions: reports quote medians, never single runs.

export interface Stats { min: number; median: number; max: number; all: number[] }

export function stats(values: number[]): Stats {
  if (values.length === 0) throw new Error('stats: no values')
  for (const v of values) if (!Number.isFinite(v)) throw new Error(`stats: not a finite number: ${v}`)
  const s = [...values].sort((a, b) => a - b)
  const mid = s.length >> 1
  const median = s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
  return { min: s[0]!, median, max: s[s.length - 1]!, all: values }
}
