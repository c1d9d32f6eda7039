// The public entries export the public API and nothing else. The checked API report (api/, `npm run
// api:check`) holds every exported name and shape; this guards, without a build, the values a
// user's code could otherwise reach: runtime internals importable from `kstreams`.
import { describe, expect, it } from 'vitest'
import * as root from '../../lib/index.js'
import * as testing from '../../lib/testing.js'
import * as kafkajs from '../../lib/kafkajs.js'
import * as broker from '../../broker/index.js'

// Internals that were once exported from `kstreams`: the task executor, store implementations and
// layers, the thread cache, checkpoint and RocksDB plumbing, helpers of the sync/async duality.
const INTERNALS = [
  'StreamTask',
  'GLOBAL_ALL_PARTITIONS',
  'DEFAULT_PARTITION',
  'ThreadCache',
  'DEFAULT_CACHE_MAX_BYTES',
  'cacheEntrySize',
  'isCachedStateStore',
  'InMemoryKeyValueStore',
  'InMemoryWindowStore',
  'InMemorySessionStore',
  'LruMemoryStore',
  'RocksDBKeyValueStore',
  'RocksDBWindowStore',
  'RocksDBSessionStore',
  'PersistentStores',
  'MeteredKeyValueStore',
  'AbstractStoreBuilder',
  'KeyValueStoreBuilder',
  'openStoreDatabase',
  'classifyOpenError',
  'valueAndTimestampSerde',
  'changelogTopicName',
  'compositeReadOnlyKeyValueStore',
  'isPromise',
  'mapMaybe',
  'collect',
]

describe('public entries', () => {
  it('kstreams exports none of the runtime internals', () => {
    const leaked = INTERNALS.filter((name) => name in root)
    expect(leaked).toEqual([])
  })

  it('kstreams/testing exports the driver and its topics, the same classes as kstreams', () => {
    expect(Object.keys(testing).sort()).toEqual(['TestInputTopic', 'TestOutputTopic', 'TopologyTestDriver'])
    expect(testing.TopologyTestDriver).toBe(root.TopologyTestDriver)
    expect(testing.TestInputTopic).toBe(root.TestInputTopic)
    expect(testing.TestOutputTopic).toBe(root.TestOutputTopic)
  })

  it('kstreams/broker and kstreams/kafkajs export their documented values only', () => {
    expect(Object.keys(broker).sort()).toEqual(['EmbeddedKafka', 'EmbeddedSchemaRegistry'])
    expect(Object.keys(kafkajs).sort()).toEqual(['fixKafkajsReadCommitted', 'installKafkajsReadCommittedFix'])
  })
})
