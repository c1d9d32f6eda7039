import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { KafkaStreams } from '../../lib/kafka-streams.js'
import { expectedCounts, wordCountTopology } from './fixtures/word-count-topology.js'
import { consumeUntil, createTopics, produce, startCluster, tempDir, uniqueName, type TestCluster } from './helpers.js'
import { testClient } from './test-client.js'

const CLI = fileURLToPath(new URL('../../bin/kstreams.mjs', import.meta.url))
const run = promisify(execFile)

describe('kstreams reset', () => {
  let cluster: TestCluster
  beforeAll(async () => {
    cluster = await startCluster()
  })
  afterAll(async () => {
    await cluster.stop()
  })

  it('deletes internal topics and rewinds input offsets, so a rerun recomputes from scratch', async () => {
    const input = uniqueName('reset-in')
    const output = uniqueName('reset-out')
    const applicationId = uniqueName('reset')
    await createTopics(cluster.kafka, [{ topic: input, numPartitions: 2 }, { topic: output, numPartitions: 2 }])
    const lines = ['a b', 'b c', 'c c']
    await produce(cluster.kafka, input, lines.map((l, i) => ({ key: String(i), value: l })))
    const timesThree = (rs: { key: Buffer | null; value: Buffer | null }[]) =>
      rs.filter(r => r.key!.toString() === 'c' && Number(r.value!.readBigInt64BE()) === 3).length
    const runOnce = async (occurrences: number) => {
      const state = await tempDir('kstreams-reset')
      const app = new KafkaStreams(wordCountTopology(input, output), { ...testClient(), applicationId, brokers: cluster.brokers, stateDir: state.dir, commitIntervalMs: 100 })
      await app.start()
      await consumeUntil(cluster.kafka, output, rs => timesThree(rs) >= occurrences)
      await app.close()
      await state.remove()
    }
    await runOnce(1)

    const admin = cluster.kafka.admin()
    await admin.connect()
    try {
      expect((await admin.listTopics()).filter(t => t.startsWith(`${applicationId}-`)).sort()).toEqual([
        `${applicationId}-counts-changelog`,
        `${applicationId}-counts-repartition`,
      ])
      const { stdout } = await run(process.execPath, [CLI, 'reset', '--application-id', applicationId, '--brokers', cluster.brokers.join(','), '--input-topics', input])
      expect(stdout).toContain(`${applicationId}-counts-changelog`)
      expect((await admin.listTopics()).filter(t => t.startsWith(`${applicationId}-`))).toEqual([])
      const offsets = await admin.fetchOffsets({ groupId: applicationId, topics: [input] })
      for (const p of offsets[0]!.partitions) expect(Number(p.offset)).toBeLessThanOrEqual(0)
    } finally {
      await admin.disconnect()
    }

    // A rerun starts from empty state and the first input offset: counts come out the same again.
    await runOnce(2)
    const all = await consumeUntil(cluster.kafka, output, rs => timesThree(rs) >= 2)
    const finals = all.filter(r => r.key!.toString() === 'c').map(r => Number(r.value!.readBigInt64BE()))
    expect(finals.filter(n => n === 3), JSON.stringify(finals)).toHaveLength(2)
    expect(expectedCounts(lines).get('c')).toBe(3)
  })

  it('explains its usage and refuses without an application id', async () => {
    await expect(run(process.execPath, [CLI, 'reset', '--brokers', 'x:1'])).rejects.toMatchObject({ stderr: expect.stringContaining('Missing --application-id') })
  })
})
