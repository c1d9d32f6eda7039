// Summarises input positions as per-partition offset ranges: "p0@31964-32000 (37)".

export function offsetRanges(positions: { partition: number; offset: number }[], max = 12): string[] {
  const byPartition = new Map<number, number[]>()
  for (const p of positions) {
    let list = byPartition.get(p.partition)
    if (!list) byPartition.set(p.partition, (list = []))
    list.push(p.offset)
  }
  const out: string[] = []
  for (const [partition, offsets] of [...byPartition].sort((a, b) => a[0] - b[0])) {
    offsets.sort((a, b) => a - b)
    let start = offsets[0]!
    let prev = start
    let n = 1
    const flush = () => out.push(`p${partition}@${start}${prev !== start ? `-${prev}` : ''} (${n})`)
    for (const o of offsets.slice(1)) {
      // Pills and records of other keys leave small gaps; a range is records close together.
      if (o - prev > 50) {
        flush()
        start = o
        n = 0
      }
      prev = o
      n++
    }
    flush()
  }
  return out.length > max ? [...out.slice(0, max), `… ${out.length - max} more ranges`] : out
}
