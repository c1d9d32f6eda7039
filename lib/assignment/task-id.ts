/** A task is one (sub-topology, partition); its id is "<subtopology>_<partition>" as in Kafka Streams. */
export function taskIdOf(subtopology: number, partition: number): string {
  return `${subtopology}_${partition}`
}

export function parseTaskId(id: string): { subtopology: number; partition: number } {
  const m = /^(\d+)_(\d+)$/.exec(id)
  if (!m) throw new Error(`Malformed task id "${id}": expected "<subtopology>_<partition>"`)
  return { subtopology: Number(m[1]), partition: Number(m[2]) }
}

/** Orders task ids by sub-topology, then partition, so assignments are deterministic. */
export function compareTaskIds(a: string, b: string): number {
  const x = parseTaskId(a)
  const y = parseTaskId(b)
  return x.subtopology - y.subtopology || x.partition - y.partition
}
