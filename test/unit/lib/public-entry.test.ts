import { describe, expect, it } from 'vitest'
import * as kstreams from '../../../lib/index.js'

describe('public entry', () => {
  it('exports the runtime, the topology and the store layers', () => {
    expect(typeof kstreams.StreamsBuilder).toBe('function')
    expect(typeof kstreams.Serdes.String).toBe('function')
    expect(typeof kstreams.TopologyTestDriver).toBe('function')
    expect(typeof kstreams.KafkaStreams).toBe('function')
    expect(typeof kstreams.Stores.persistentKeyValueStore).toBe('function')
    expect(kstreams.KeyValue.pair('a', 1)).toEqual({ key: 'a', value: 1 })
    expect(typeof kstreams.StreamsConfigError).toBe('function')
  })
})
