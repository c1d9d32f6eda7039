// The process id lives in the state directory: an instance killed mid-transaction and restarted on
// the same directory has the same thread producer transactional id, so its InitProducerId aborts
// the dead instance's open transaction at once and read_committed readers go on, long before the
// transaction timeout would have aborted it.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { InitProducerIdRequest } from '../../broker/txn/transaction-coordinator.js'
import { KafkaStreams } from '../../lib/kafka-streams.js'
import { PROCESS_METADATA_FILE } from '../../lib/lifecycle/process-id.js'
import { startChildApp } from './fixtures/child-app.js'
import { analyseCounts, expectedCounts, wordCountTopology } from './fixtures/word-count-topology.js'
import { consumeUntil, createTopics, produce, startCluster, tempDir, uniqueName, waitFor, type TestCluster } from './helpers.js'

/** Far beyond the time the test waits for the output: only an abort by fencing lets it through. */
const TRANSACTION_TIMEOUT_MS = 60_000

function lines(n: number): string[] {
  const vocabulary = Array.from({ length: 20 }, (_, i) => `p${i}`)
  return Array.from({ length: n }, (_, i) => Array.from({ length: 3 }, (_, j) => vocabulary[(i * 3 + j * 7) % 20]).join(' '))
}

describe('process id kept in the state directory (kstreams client, exactly_once_v2)', () => {
  let cluster: TestCluster
  beforeAll(async () => {
    cluster = await startCluster()
  })
  afterAll(async () => {
    await cluster.stop()
  })

  it("kill -9 with a transaction open, restart on the same state directory: the restart fences it and its output is readable before the transaction timeout", async () => {
    const input = uniqueName('pid-in')
    const output = uniqueName('pid-out')
    const applicationId = uniqueName('pid')
    await createTopics(cluster.kafka, [{ topic: input, numPartitions: 2 }, { topic: output, numPartitions: 2 }])
    const state = await tempDir('kstreams-pid')
    const first = lines(300)
    const second = lines(200).map(l => `${l} q`)
    try {
      // Commits only on rebalances and close: the transaction is open when the instance dies.
      const child = startChildApp({
        brokers: cluster.brokers, applicationId, input, output, stateDir: state.dir, guarantee: 'exactly_once_v2', client: 'kstreams',
        sessionTimeoutMs: 6000, commitIntervalMs: 600_000, transactionTimeoutMs: TRANSACTION_TIMEOUT_MS, reportProcessed: true,
      })
      await child.waitForState('RUNNING', 45_000)
      await produce(cluster.kafka, input, first.map((l, i) => ({ key: String(i), value: l })))
      await waitFor(() => child.processed >= first.length, 30_000, 'the child processed the input (its repartition records in its open transaction)')
      const metadata = JSON.parse(await readFile(join(state.dir, applicationId, PROCESS_METADATA_FILE), 'utf8')) as { processId: string }
      child.kill('SIGKILL')
      await child.exited

      const app = new KafkaStreams(wordCountTopology(input, output), {
        applicationId, brokers: cluster.brokers, stateDir: state.dir, processingGuarantee: 'exactly_once_v2', client: 'kstreams',
        commitIntervalMs: 100, sessionTimeoutMs: 6000, heartbeatIntervalMs: 1000, transactionTimeoutMs: TRANSACTION_TIMEOUT_MS,
      })
      try {
        await app.start()
        await produce(cluster.kafka, input, second.map((l, i) => ({ key: String(1000 + i), value: l })))
        // Both batches' counts, read_committed: behind the dead transaction's output until it is aborted.
        const expected = expectedCounts([...first, ...second])
        const records = await consumeUntil(cluster.kafka, output, rs => {
          const { last } = analyseCounts(rs)
          return [...expected].every(([w, n]) => (last.get(w) ?? 0) >= n)
        }, { timeoutMs: TRANSACTION_TIMEOUT_MS / 2 })
        const { last, violations } = analyseCounts(records)
        expect(violations).toEqual([])
        expect(last).toEqual(expected)
        // the same process id as the killed instance: the file kept it
        const again = JSON.parse(await readFile(join(state.dir, applicationId, PROCESS_METADATA_FILE), 'utf8')) as { processId: string }
        expect(again.processId).toBe(metadata.processId)
      } finally {
        await app.close()
      }
    } finally {
      await state.remove()
    }
  }, 120_000)

  it('two live instances on one state directory never share a process id', async () => {
    const input = uniqueName('pid2-in')
    const output = uniqueName('pid2-out')
    const applicationId = uniqueName('pid2')
    await createTopics(cluster.kafka, [{ topic: input, numPartitions: 2 }, { topic: output, numPartitions: 2 }])
    const state = await tempDir('kstreams-pid2')
    const make = () => new KafkaStreams(wordCountTopology(input, output), {
      applicationId, brokers: cluster.brokers, stateDir: state.dir, processingGuarantee: 'exactly_once_v2', client: 'kstreams', commitIntervalMs: 100,
    })
    const inits: string[] = []
    const txn = cluster.embedded!.internals.transactions
    const init = txn.initProducerId.bind(txn)
    txn.initProducerId = (req: InitProducerIdRequest, v?: number) => {
      if (req.transactionalId) inits.push(req.transactionalId)
      return init(req, v)
    }
    const a = make()
    const b = make()
    try {
      await a.start()
      await b.start()
      const tasksOf = (app: KafkaStreams) => app.metrics().filter(m => m.name === 'records_processed_total').length
      await waitFor(() => a.state === 'RUNNING' && b.state === 'RUNNING' && tasksOf(a) > 0 && tasksOf(b) > 0, 30_000, 'both instances with tasks')
      const text = lines(100)
      await produce(cluster.kafka, input, text.map((l, i) => ({ key: String(i), value: l })))
      const expected = expectedCounts(text)
      const records = await consumeUntil(cluster.kafka, output, rs => {
        const { last } = analyseCounts(rs)
        return [...expected].every(([w, n]) => (last.get(w) ?? 0) >= n)
      }, { timeoutMs: 30_000 })
      expect(analyseCounts(records).last).toEqual(expected)
      // two process ids (<applicationId>-<processId>-<thread>): the assignor tells the instances apart
      const processIds = new Set(inits.filter(id => id.startsWith(`${applicationId}-`)).map(id => id.slice(0, id.lastIndexOf('-'))))
      expect(processIds.size).toBe(2)
    } finally {
      await b.close()
      await a.close()
      await state.remove()
    }
  }, 60_000)
})
