/** Levenshtein distance, small strings only (config keys). */
export function editDistance(a: string, b: string): number {
  const prev = new Array<number>(b.length + 1)
  for (let j = 0; j <= b.length; j++) prev[j] = j
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!
    prev[0] = i
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + cost)
      diag = up
    }
  }
  return prev[b.length]!
}

/** The closest known name to `input`, if close enough to be a plausible typo. */
export function closestMatch(input: string, known: readonly string[]): string | null {
  const lower = input.toLowerCase()
  let best: string | null = null
  let bestDistance = Infinity
  for (const candidate of known) {
    const d = editDistance(lower, candidate.toLowerCase())
    if (d < bestDistance) {
      bestDistance = d
      best = candidate
    }
  }
  const limit = Math.max(2, Math.floor(input.length / 3))
  return bestDistance <= limit ? best : null
}
