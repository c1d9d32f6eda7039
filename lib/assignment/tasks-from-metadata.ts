import { taskIdOf } from './task-id.js'

export interface TopicPartition {
  topic: string
  partition: number
}

export interface SubtopologySources {
  id: number
  sourceTopics: string[]
}

/**
 * The tasks of a topology: one per (sub-topology, partition number), up to the largest partition
 * count among the sub-topology's source topics (co-partitioning is checked separately, before).
 */
export function tasksFromMetadata(
  subtopologies: readonly SubtopologySources[],
  partitionCounts: ReadonlyMap<string, number>,
): Map<string, TopicPartition[]> {
  const tasks = new Map<string, TopicPartition[]>()
  for (const sub of subtopologies) {
    let max = 0
    for (const topic of sub.sourceTopics) {
      const n = partitionCounts.get(topic)
      if (n === undefined) throw new Error(`Source topic "${topic}" of sub-topology ${sub.id} has no metadata (does it exist?)`)
      max = Math.max(max, n)
    }
    for (let p = 0; p < max; p++) {
      const tps: TopicPartition[] = []
      for (const topic of sub.sourceTopics) {
        if (p < partitionCounts.get(topic)!) tps.push({ topic, partition: p })
      }
      tasks.set(taskIdOf(sub.id, p), tps)
    }
  }
  return tasks
}
