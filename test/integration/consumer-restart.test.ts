import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Producer } from 'kafkajs'
import { ClientError, classifyClientError } from '../../lib/clients/errors.js'
import { KafkajsGroupConsumer } from '../../lib/clients/kafkajs/index.js'
import { createTopics, roundRobinAssignor, startCluster, uniqueName, waitFor, type TestCluster } from './helpers.js'

/**
 * kafkajs re-creates its consumer after some crashes (`restartOnFailure`); until the new one has
 * joined, its seek/pause/resume/commitOffsets throw "Consumer group was not initialized". The
 * adapter must keep the runtime's pauses and seeks for the new consumer and refuse a commit as a
 * transient error, never throw kafkajs's non-retriable error at the runtime.
 */
describe('group consumer restarted by kafkajs after a crash', () => {
  let cluster: TestCluster
  let producer: Producer
  beforeAll(async () => {
    cluster = await startCluster()
    producer = cluster.kafka.producer()
    await producer.connect()
  })
  afterAll(async () => {
    await producer.disconnect()
    await cluster.stop()
  })

  const send = (topic: string, partition: number, from: number, n: number) =>
    producer.send({ topic, messages: Array.from({ length: n }, (_, i) => ({ partition, key: `k${from + i}`, value: `v${from + i}` })) })

  it('keeps pauses and seeks made while kafkajs restarts its consumer, and refuses commits as retriable meanwhile', async () => {
    const topic = uniqueName('restart-in')
    await createTopics(cluster.kafka, [{ topic, numPartitions: 2 }])
    await send(topic, 0, 0, 10)
    await send(topic, 1, 0, 10)

    const consumer = new KafkajsGroupConsumer(cluster.kafka, {
      groupId: uniqueName('restart-group'),
      assigner: roundRobinAssignor,
      sessionTimeoutMs: 10_000,
      rebalanceTimeoutMs: 10_000,
      heartbeatIntervalMs: 200,
    })
    const offsets: Record<number, number[]> = { 0: [], 1: [] }
    const joins: { memberId: string | null; lost: boolean }[] = []
    const duringRestart: unknown[] = []
    let commitDuringRestart: Promise<unknown> | null = null
    let restarts = 0
    const crashes: Error[] = []
    await consumer.connect()
    await consumer.subscribe([topic], true)
    try {
      await consumer.run({
        onAssigned: (_parts, lost) => joins.push({ memberId: consumer.memberId(), lost }),
        onRecords: (_t, partition, records) => offsets[partition]!.push(...records.map(r => r.offset)),
        onRebalanceStarted: () => {},
        onCrash: err => crashes.push(err),
        onRestarting: () => {
          restarts++
          cluster.embedded!.faults.clear()
          // kafkajs has dropped its consumer group here: what the runtime does in this window.
          for (const op of [() => consumer.pause([{ topic, partition: 1 }]), () => consumer.seek(topic, 0, 5)]) {
            try {
              op()
            } catch (err) {
              duringRestart.push(err)
            }
          }
          commitDuringRestart = consumer.commitOffsets([{ topic, partition: 0, offset: 3 }]).then(
            () => 'committed',
            (err: unknown) => err,
          )
        },
      })
      await waitFor(() => offsets[0]!.length === 10 && offsets[1]!.length === 10, 30_000, 'first records')
      // Rebalances whose JoinGroup meets an unavailable coordinator, (heartbeats and joins until kafkajs's
      // fetch loop has retried 10 times): it crashes and, the error being retriable, restarts its consumer.
      cluster.embedded!.faults.failNext('Heartbeat', 100, 27)
      cluster.embedded!.faults.failNext('JoinGroup', 100, 15)
      await waitFor(() => restarts === 1 && joins.length === 2, 90_000, 'consumer restart and rejoin')

      expect(crashes).toEqual([])
      expect(duringRestart).toEqual([])
      const commitError = await commitDuringRestart
      expect(commitError).toBeInstanceOf(ClientError)
      expect(classifyClientError(commitError)).toBe('retriable')
      // The new consumer joined under a new member id: everything owned before is lost.
      expect(joins[1]!.lost).toBe(true)
      expect(joins[1]!.memberId).not.toBe(joins[0]!.memberId)

      // The seek reached the new consumer: partition 0 is read again from offset 5.
      await waitFor(() => offsets[0]!.length >= 15, 30_000, 'partition 0 read again from the seek')
      expect(offsets[0]!.slice(10, 15)).toEqual([5, 6, 7, 8, 9])
      // The pause reached it too: new records of partition 1 stay unread until it is resumed.
      await send(topic, 1, 10, 5)
      await send(topic, 0, 10, 5)
      await waitFor(() => offsets[0]!.includes(14), 30_000, 'new records of partition 0')
      expect(offsets[1]!.length).toBe(10)
      consumer.resume([{ topic, partition: 1 }])
      await waitFor(() => offsets[1]!.includes(14), 30_000, 'partition 1 after resume')
    } finally {
      await consumer.disconnect()
    }
  }, 120_000)
})
