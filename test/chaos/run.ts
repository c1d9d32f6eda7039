// One chaos run for one processing guarantee: broker and three instances as processes, input
// produced while faults hit, then drain and verify.
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Kafka, logLevel } from 'kafkajs'
import type { InstanceConfig } from './app.js'
import { BrokerProcess, freePort } from './broker-process.js'
import { apisFor, describeFault, FAULT_KINDS, faultSchedule, rng, type Fault, type FaultKind } from './fault-schedule.js'
import { describeLag, GroupLag, type PartitionLag } from './group-lag.js'
import { InputProducer } from './input-producer.js'
import { InstanceProcess, type SelfDeath } from './instance-process.js'
import { sleep } from './lines.js'
import { StallWatch } from './stall-watch.js'
import { sendMalformedFrames, type MalformedOutcome } from './malformed-frames.js'
import { failures, type ChaosResult, type Guarantee } from './report.js'
import { INPUT_PARTITIONS, TOPICS } from './topology.js'
import { verify, type Verification } from './verifier.js'

export interface ChaosOptions {
  guarantee: Guarantee
  records: number
  cycles: number
  seed: number
  /** Every n-th sequence number is a poison pill (0: none). */
  pillEvery?: number
  pillHandler?: 'logAndContinue' | 'deadLetter'
  kinds?: FaultKind[]
  drainTimeoutMs?: number
  recoveryTimeoutMs?: number
  log?: (line: string) => void
  /** A partition with lag whose committed offset stands still this long while all is well is a stall. */
  stallMs?: number
  /** Keep logs and data even when the run passes. */
  keepWorkDir?: boolean
}

const INSTANCES = 3
const SESSION_TIMEOUT_MS = 6000

export async function runChaos(opts: ChaosOptions): Promise<ChaosResult> {
  const started = Date.now()
  const log = opts.log ?? ((l: string) => console.log(l))
  const pillHandler = opts.pillHandler ?? (opts.guarantee === 'exactly_once_v2' ? 'deadLetter' : 'logAndContinue')
  const drainTimeoutMs = opts.drainTimeoutMs ?? 300_000
  const recoveryTimeoutMs = opts.recoveryTimeoutMs ?? 90_000
  const workDir = await mkdtemp(join(tmpdir(), `kstreams-chaos-${opts.guarantee}-`))
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)}s`
  const say = (l: string) => log(`[chaos ${opts.guarantee} ${elapsed()}] ${l}`)
  say(`seed ${opts.seed}, ${opts.records} records, ${opts.cycles} fault cycles, pills ${pillHandler}, logs in ${workDir}`)

  const broker = new BrokerProcess(await freePort(), join(workDir, 'broker-data'), join(workDir, 'broker.log'))
  const applicationId = `chaos-${opts.guarantee.replace(/_/g, '-')}`
  const selfDeaths: SelfDeath[] = []
  const instances: InstanceProcess[] = []
  const faults: ChaosResult['faults'] = []
  const malformed: MalformedOutcome[] = []
  const lag = new GroupLag(broker.brokers, applicationId)
  let brokerUp = false
  const stallWatch = new StallWatch(
    new GroupLag(broker.brokers, applicationId),
    () => brokerUp && instances.every(i => i.state === 'RUNNING' && !i.paused),
    opts.stallMs ?? 20_000,
    s => say(`PARTITION STALLED: ${TOPICS.input}-${s.partition} has lag (committed ${s.committed}, end ${s.end}) and has not advanced for ${s.forMs} ms while every instance is RUNNING`),
    r => say(`COMMITTED OFFSET WENT BACK: ${TOPICS.input}-${r.partition} from ${r.from} to ${r.to}`),
  )
  let producer: InputProducer | null = null
  let slowRecoveries = 0
  let stopping: Promise<void> | null = null
  try {
    await broker.start()
    brokerUp = true
    await createTopics(broker.brokers)
    for (let i = 0; i < INSTANCES; i++) {
      const stateDir = join(workDir, `state-${i}`)
      await mkdir(stateDir, { recursive: true })
      const config: InstanceConfig = { brokers: broker.brokers, applicationId, stateDir, guarantee: opts.guarantee, pillHandler, sessionTimeoutMs: SESSION_TIMEOUT_MS }
      const inst = new InstanceProcess(i, config, join(workDir, `instance-${i}.log`), d => {
        selfDeaths.push(d)
        say(`INSTANCE ${d.instance} DIED BY ITSELF: ${d.how} (see instance-${d.instance}.log); restarting it with the same state dir`)
        setTimeout(() => void inst.restartAfterDeath(d.pid), 1000)
      })
      instances.push(inst)
      inst.start()
    }
    await allRunning(instances, recoveryTimeoutMs)
    stallWatch.start()

    producer = new InputProducer(broker.brokers, opts.pillEvery ?? 5000, say)
    const schedule = faultSchedule(opts.seed, opts.cycles, opts.kinds ?? FAULT_KINDS, SESSION_TIMEOUT_MS, apisFor(opts.guarantee))
    const gaps = rng(opts.seed ^ 0x5eed)
    const chunk = Math.floor(opts.records / (opts.cycles + 1))
    for (let i = 0; i < schedule.length; i++) {
      const fault = schedule[i]!
      const producing = producer.produce(chunk)
      await sleep(300 + Math.floor(gaps() * 1500))
      const description = describeFault(fault)
      say(`cycle ${i + 1}/${schedule.length}: ${description}`)
      const entry: ChaosResult['faults'][number] = { at: new Date().toISOString(), fault, description }
      faults.push(entry)
      try {
        // The broker's own faults (restart, kill -9) stop progress on purpose; so does a pause.
        brokerUp = !['broker-restart', 'broker-kill9'].includes(fault.kind)
        await inject(fault, broker, instances, malformed)
        brokerUp = true
      } catch (err) {
        brokerUp = true
        entry.error = (err as Error).message
        // Without a broker nothing can recover: end the run here rather than wait on it.
        if (!broker.running) throw new Error(`the broker is not running after "${description}": ${entry.error} (see ${join(workDir, 'broker.log')})`)
        say(`cycle ${i + 1}: the fault could not be injected: ${entry.error}`)
      }
      await producing
      if (!(await allRunning(instances, recoveryTimeoutMs))) {
        slowRecoveries++
        say(`cycle ${i + 1}: instances not all RUNNING after ${recoveryTimeoutMs} ms: ${instances.map(x => `${x.index}=${x.state}`).join(' ')}`)
      }
      entry.committedAfter = describeLag(await lag.read())
      say(`cycle ${i + 1} done: produced ${producer.next}, committed/end ${entry.committedAfter}`)
    }
    await producer.produce(opts.records - producer.next)
    await broker.command({ op: 'clear' }).catch(err => say(`clearing broker faults failed: ${(err as Error).message}`))
    const inputEnd = Date.now()
    say(`input complete (${producer.next} sequence numbers, ${producer.pills} pills); draining`)

    // Drain: first the group's committed offsets reach the end of the input, then the outputs,
    // read as a consumer would, hold everything (an open transaction may hold them back a while).
    const deadline = inputEnd + drainTimeoutMs
    let lags: PartitionLag[] | null = null
    let lastProgress = 0
    while (Date.now() < deadline) {
      lags = await lag.read()
      if (lags && lags.length === INPUT_PARTITIONS && lags.every(l => l.committed >= l.end)) break
      if (Date.now() - lastProgress > 10_000) {
        lastProgress = Date.now()
        say(`draining: ${describeLag(lags)}; instances ${instances.map(x => `${x.index}=${x.state}`).join(' ')}`)
      }
      await sleep(500)
    }
    const exactlyOnce = opts.guarantee === 'exactly_once_v2'
    let verification: Verification
    let drainMs: number | null = null
    for (;;) {
      verification = await verify(broker.brokers, { produced: producer.next, deadLetter: pillHandler === 'deadLetter', exactlyOnce })
      if (verification.complete) {
        drainMs = Date.now() - inputEnd
        break
      }
      if (Date.now() >= deadline) break
      say(`outputs not complete yet (${verification.lost} records missing, ${verification.aggregatesLow + verification.aggregatesMissing} aggregates behind); reading again`)
      await sleep(3000)
    }
    stallWatch.stop()
    const lagAtEnd = describeLag(await lag.read())
    if (drainMs === null) say(`DRAIN TIMEOUT after ${drainTimeoutMs} ms: lag ${lagAtEnd}; instances ${instances.map(x => `${x.index}=${x.state}`).join(' ')}`)
    const result: ChaosResult = {
      guarantee: opts.guarantee,
      seed: opts.seed,
      pillHandler,
      records: producer.next,
      cycles: schedule.length,
      faults,
      selfDeaths,
      slowRecoveries,
      stalls: stallWatch.stalls,
      offsetRegressions: stallWatch.regressions,
      malformed,
      inputResends: producer.resends,
      drained: drainMs !== null,
      drainMs,
      lagAtEnd,
      verification,
      durationMs: Date.now() - started,
      workDir,
    }
    // Logs and data are evidence only when something failed.
    if (failures(result).length === 0 && !opts.keepWorkDir) {
      await stopAll()
      await rm(workDir, { recursive: true, force: true })
      result.workDir = '(removed: the run passed)'
    }
    return result
  } finally {
    await stopAll()
  }

  /** Every child process ends here, once, whether the run passed, failed or threw. */
  function stopAll(): Promise<void> {
    stopping ??= (async () => {
      stallWatch.stop()
      await producer?.close()
      await lag.close()
      await Promise.all(instances.map(i => i.stop()))
      await broker.stop()
    })()
    return stopping
  }
}

async function createTopics(brokers: string[]): Promise<void> {
  const admin = new Kafka({ clientId: 'chaos-setup', brokers, logLevel: logLevel.NOTHING }).admin()
  await admin.connect()
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: [TOPICS.input, TOPICS.copy, TOPICS.agg, TOPICS.dlq].map(topic => ({ topic, numPartitions: INPUT_PARTITIONS, replicationFactor: 1 })),
    })
  } finally {
    await admin.disconnect()
  }
}

async function allRunning(instances: InstanceProcess[], timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  for (const inst of instances) if (!(await inst.waitRunning(Math.max(0, deadline - Date.now())))) return false
  return true
}

async function inject(fault: Fault, broker: BrokerProcess, instances: InstanceProcess[], malformed: MalformedOutcome[]): Promise<void> {
  switch (fault.kind) {
    case 'kill-instance':
      await instances[fault.instance]!.restart(fault.freshStateDir)
      return
    case 'pause-instance': {
      const inst = instances[fault.instance]!
      inst.pause()
      await sleep(fault.ms)
      inst.resume()
      return
    }
    case 'drop-connections':
      await broker.command({ op: 'dropConnections' })
      return
    case 'fail-api':
      await broker.command({ op: 'failNext', api: fault.api, count: fault.count, errorCode: fault.errorCode })
      await sleep(2000)
      return
    case 'fail-during-rebalance':
      await instances[fault.instance]!.kill9()
      await broker.command({ op: 'failNext', api: fault.api, count: fault.count, errorCode: fault.errorCode })
      await instances[fault.instance]!.restart(false)
      return
    case 'delay-api':
      await broker.command({ op: 'delay', api: fault.api, ms: fault.ms })
      await sleep(fault.forMs)
      await broker.command({ op: 'delay', api: fault.api, ms: 0 })
      return
    case 'broker-restart':
      await broker.command({ op: 'restart' })
      return
    case 'broker-kill9':
      await broker.kill9()
      await sleep(500)
      await broker.start()
      return
    case 'malformed-frames':
      malformed.push(...(await sendMalformedFrames(broker.port)))
      return
  }
}
