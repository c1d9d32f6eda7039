/**
 * The part of `topology.metadata(applicationId)` (docs/internals.md) the runtime reads. Declared
 * structurally so lib/ keeps compiling against any topology that honours the contract.
 */
export interface SubtopologyMetadata {
  id: number
  sourceTopics: string[]
  sourcePatterns: RegExp[]
  sinkTopics: string[]
  stores: { name: string; changelogTopic: string | null; changelogConfig: Record<string, string> }[]
}

export interface RuntimeTopologyMetadata {
  subtopologies: SubtopologyMetadata[]
  repartitionTopics: { name: string; partitions: number | null; config: Record<string, string> }[]
  changelogTopics: { name: string; config: Record<string, string> }[]
  copartitionGroups: string[][]
  globalStores: { name: string; sourceTopic: string; subtopologyId: number }[]
}
