// One B9 client in a process of its own: produce, then consume, measuring this process's CPU time
// over each phase. Started by bench/client.ts; reports one result line on stdout.
import { ownCpuSeconds } from '../lib/cpu.js'
import type { ClientDriver } from './driver.js'
import { kafkajsDriver } from './kafkajs.js'
import { kafkatsDriver } from './kafkats.js'
import { kstreamsDriver } from './kstreams.js'
import { Session } from 'node:inspector/promises'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'

export const WORKER_ENV = 'KSTREAMS_B9_WORKER'
export const RESULT_PREFIX = 'result '

export interface WorkerResult {
  produceCpuUs: number
  consumeCpuUs: number
  produceRate: number
  consumeRate: number
}

const DRIVERS: Record<string, (brokers: string[]) => Promise<ClientDriver>> = {
  kafkats: kafkatsDriver,
  kstreams: kstreamsDriver,
  kafkajs: kafkajsDriver,
}

/** The clients B9 runs, the reference (@kafkats/client) first. */
export const WORKER_CLIENTS = Object.keys(DRIVERS)
export const PROFILE_ENV = 'KSTREAMS_B9_PROFILE_DIR'

async function work(spec: { client: string; brokers: string[]; topic: string; records: number; batch: number }): Promise<WorkerResult> {
  const make = DRIVERS[spec.client]
  if (!make) throw new Error(`unknown client ${spec.client}; known: ${WORKER_CLIENTS.join(', ')}`)
  const driver = await make(spec.brokers)
  const n = spec.records
  let last = 0
  const report = (what: string) => (done: number) => {
    const now = Date.now()
    if (now - last < 250 && done < n) return
    last = now
    console.log(`progress ${what} ${done}/${n}`)
  }
  const c0 = ownCpuSeconds()
  const t0 = performance.now()
  await driver.produce(spec.topic, n, spec.batch, report('produced'))
  const c1 = ownCpuSeconds()
  const t1 = performance.now()
  // KSTREAMS_B9_PROFILE_DIR=<dir>: a V8 CPU profile of the consume phase, <dir>/<client>-consume.cpuprofile
  const profileDir = process.env[PROFILE_ENV]
  const session = profileDir ? new Session() : null
  if (session) {
    session.connect()
    await session.post('Profiler.enable')
    await session.post('Profiler.start')
  }
  await driver.consume(spec.topic, n, report('consumed'))
  const c2 = ownCpuSeconds()
  if (session) {
    const { profile } = await session.post('Profiler.stop')
    await writeFile(join(profileDir!, `${spec.client}-consume.cpuprofile`), JSON.stringify(profile))
  }
  const t2 = performance.now()
  await driver.close()
  return {
    produceCpuUs: ((c1 - c0) * 1e6) / n,
    consumeCpuUs: ((c2 - c1) * 1e6) / n,
    produceRate: n / ((t1 - t0) / 1000),
    consumeRate: n / ((t2 - t1) / 1000),
  }
}

const spec = process.env[WORKER_ENV]
if (spec) {
  work(JSON.parse(spec))
    .then(r => {
      console.log(RESULT_PREFIX + JSON.stringify(r))
      process.exit(0)
    })
    .catch(e => {
      console.error(e)
      process.exit(1)
    })
}
