import { describe, expect, it } from 'vitest'
import { CopartitioningError, MissingSourceTopicsError, planInternalTopics, type RuntimeTopologyMetadata } from '../../../lib/topics/index.js'

const opts = { replicationFactor: -1 }

// word count: input → (flatMap, groupBy) → repartition → count(store)
const wordCount: RuntimeTopologyMetadata = {
  subtopologies: [
    { id: 0, sourceTopics: ['text'], sourcePatterns: [], sinkTopics: ['wc-words-repartition'], stores: [] },
    {
      id: 1,
      sourceTopics: ['wc-words-repartition'],
      sourcePatterns: [],
      sinkTopics: ['counts'],
      stores: [{ name: 'counts', changelogTopic: 'wc-counts-changelog', changelogConfig: {} }],
    },
  ],
  repartitionTopics: [{ name: 'wc-words-repartition', partitions: null, config: {} }],
  changelogTopics: [{ name: 'wc-counts-changelog', config: {} }],
  copartitionGroups: [],
  globalStores: [],
}

describe('planInternalTopics', () => {
  it('sizes repartition topics from their upstream sources and changelogs from their tasks', () => {
    const plan = planInternalTopics(wordCount, new Map([['text', 3]]), opts)
    const byName = Object.fromEntries(plan.topics.map(t => [t.topic, t]))
    expect(byName['wc-words-repartition']!.numPartitions).toBe(3)
    expect(byName['wc-counts-changelog']!.numPartitions).toBe(3)
    expect(byName['wc-counts-changelog']!.config['cleanup.policy']).toBe('compact')
    expect(byName['wc-words-repartition']!.config['cleanup.policy']).toBe('delete')
    expect(plan.partitionCounts.get('wc-words-repartition')).toBe(3)
  })

  it('names missing source topics', () => {
    expect(() => planInternalTopics(wordCount, new Map(), opts)).toThrow(MissingSourceTopicsError)
    expect(() => planInternalTopics(wordCount, new Map(), opts)).toThrow(/text/)
  })

  it('rejects co-partitioned topics with different counts, naming both', () => {
    const join: RuntimeTopologyMetadata = {
      ...wordCount,
      subtopologies: [{ id: 0, sourceTopics: ['left', 'right'], sourcePatterns: [], sinkTopics: [], stores: [] }],
      repartitionTopics: [],
      changelogTopics: [],
      copartitionGroups: [['left', 'right']],
    }
    const run = () => planInternalTopics(join, new Map([['left', 2], ['right', 4]]), opts)
    expect(run).toThrow(CopartitioningError)
    expect(run).toThrow(/"left" has 2, "right" has 4/)
  })

  it('gives an unfixed repartition topic the count of its co-partitioned table', () => {
    const meta: RuntimeTopologyMetadata = {
      subtopologies: [
        { id: 0, sourceTopics: ['orders'], sourcePatterns: [], sinkTopics: ['a-rekey-repartition'], stores: [] },
        { id: 1, sourceTopics: ['a-rekey-repartition', 'customers'], sourcePatterns: [], sinkTopics: [], stores: [] },
      ],
      repartitionTopics: [{ name: 'a-rekey-repartition', partitions: null, config: {} }],
      changelogTopics: [],
      copartitionGroups: [['a-rekey-repartition', 'customers']],
      globalStores: [],
    }
    const plan = planInternalTopics(meta, new Map([['orders', 8], ['customers', 2]]), opts)
    expect(plan.topics.find(t => t.topic === 'a-rekey-repartition')!.numPartitions).toBe(2)
  })

  it('keeps the window changelog config the topology gives', () => {
    const meta: RuntimeTopologyMetadata = {
      ...wordCount,
      subtopologies: [{
        id: 0, sourceTopics: ['text'], sourcePatterns: [], sinkTopics: [],
        stores: [{ name: 'w', changelogTopic: 'wc-w-changelog', changelogConfig: { 'cleanup.policy': 'compact,delete', 'retention.ms': '5000' } }],
      }],
      repartitionTopics: [],
      changelogTopics: [],
    }
    const spec = planInternalTopics(meta, new Map([['text', 1]]), opts).topics[0]!
    expect(spec.config).toEqual({ 'cleanup.policy': 'compact,delete', 'retention.ms': '5000' })
  })
})
