// The faults a run injects, drawn from a seeded generator so a seed replays the same sequence.

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
export function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Error codes Kafka answers each API with when it is briefly unable to serve it. */
export const RETRIABLE_ERRORS: Record<string, number[]> = {
  Produce: [6, 7, 3],
  Fetch: [6, 3],
  ListOffsets: [6, 3],
  Metadata: [3],
  OffsetCommit: [15, 16, 14, 27],
  OffsetFetch: [15, 16, 14],
  JoinGroup: [15, 16, 14],
  SyncGroup: [15, 16, 27],
  Heartbeat: [15, 16, 27],
  FindCoordinator: [15],
  InitProducerId: [15, 16, 51],
  AddPartitionsToTxn: [15, 16, 51],
  AddOffsetsToTxn: [15, 16, 51],
  TxnOffsetCommit: [15, 16, 14],
  EndTxn: [15, 16, 51],
}

export type Fault =
  | { kind: 'kill-instance'; instance: number; freshStateDir: boolean }
  | { kind: 'pause-instance'; instance: number; ms: number }
  | { kind: 'drop-connections' }
  | { kind: 'fail-api'; api: string; errorCode: number; count: number }
  | { kind: 'delay-api'; api: string; ms: number; forMs: number }
  | { kind: 'fail-during-rebalance'; api: string; errorCode: number; count: number; instance: number }
  | { kind: 'broker-restart' }
  | { kind: 'broker-kill9' }
  | { kind: 'malformed-frames' }

export type FaultKind = Fault['kind']
export const FAULT_KINDS: FaultKind[] = [
  'kill-instance',
  'pause-instance',
  'drop-connections',
  'fail-api',
  'fail-during-rebalance',
  'delay-api',
  'broker-restart',
  'broker-kill9',
  'malformed-frames',
]

// The APIs an instance uses while it takes over tasks: a failure there hits task assignment.
const TAKEOVER_APIS = ['OffsetFetch', 'JoinGroup', 'SyncGroup', 'FindCoordinator', 'ListOffsets', 'InitProducerId']

// Relative weights: API errors come in many shapes, so they get drawn more often.
const WEIGHTS: Record<FaultKind, number> = {
  'kill-instance': 3,
  'pause-instance': 2,
  'drop-connections': 1,
  'fail-api': 4,
  'fail-during-rebalance': 2,
  'delay-api': 1,
  'broker-restart': 1,
  'broker-kill9': 1,
  'malformed-frames': 1,
}

export function describeFault(f: Fault): string {
  switch (f.kind) {
    case 'kill-instance':
      return `kill -9 instance ${f.instance}, restart with ${f.freshStateDir ? 'a fresh' : 'the same'} state dir`
    case 'pause-instance':
      return `SIGSTOP instance ${f.instance} for ${f.ms} ms, then SIGCONT`
    case 'drop-connections':
      return 'broker drops every connection'
    case 'fail-api':
      return `broker fails the next ${f.count} ${f.api} requests with error ${f.errorCode}`
    case 'fail-during-rebalance':
      return `broker fails the next ${f.count} ${f.api} requests with error ${f.errorCode} while instance ${f.instance} is killed -9 and restarted (a takeover)`
    case 'delay-api':
      return `broker delays ${f.api} by ${f.ms} ms for ${f.forMs} ms`
    case 'broker-restart':
      return 'broker restart() with its data dir'
    case 'broker-kill9':
      return 'kill -9 of the broker process, start on the same port and data dir'
    case 'malformed-frames':
      return 'raw sockets send garbage, truncated and oversized frames'
  }
}

/**
 * `cycles` faults from `seed`. Every kind appears once before any repeats when cycles allow it
 * (shuffled), so a short run still covers them all; the rest are drawn by weight. `apis`: the
 * APIs the guarantee under test uses (transactions only under exactly-once).
 */
export function faultSchedule(seed: number, cycles: number, kinds: FaultKind[], sessionTimeoutMs: number, apis: string[]): Fault[] {
  const r = rng(seed)
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)]!
  const order = [...kinds]
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1))
    ;[order[i], order[j]] = [order[j]!, order[i]!]
  }
  const total = kinds.reduce((s, k) => s + WEIGHTS[k], 0)
  const weighted = (): FaultKind => {
    let x = r() * total
    for (const k of kinds) if ((x -= WEIGHTS[k]) < 0) return k
    return kinds[kinds.length - 1]!
  }
  const out: Fault[] = []
  for (let i = 0; i < cycles; i++) {
    const kind = i < order.length ? order[i]! : weighted()
    switch (kind) {
      case 'kill-instance':
        out.push({ kind, instance: Math.floor(r() * 3), freshStateDir: r() < 1 / 3 })
        break
      case 'pause-instance':
        out.push({ kind, instance: Math.floor(r() * 3), ms: sessionTimeoutMs + 2000 })
        break
      case 'fail-api': {
        const api = pick(apis)
        out.push({ kind, api, errorCode: pick(RETRIABLE_ERRORS[api]!), count: 1 + Math.floor(r() * 3) })
        break
      }
      case 'fail-during-rebalance': {
        const api = pick(TAKEOVER_APIS.filter(a => apis.includes(a)))
        // A third of them outlast the client library's own retries (6 attempts): kstreams must retry.
        const count = r() < 1 / 3 ? 8 : 1 + Math.floor(r() * 3)
        out.push({ kind, api, errorCode: pick(RETRIABLE_ERRORS[api]!), count, instance: Math.floor(r() * 3) })
        break
      }
      case 'delay-api':
        out.push({ kind, api: pick(['Produce', 'Fetch', 'OffsetCommit', 'EndTxn', 'Heartbeat']), ms: 100 + Math.floor(r() * 400), forMs: 3000 })
        break
      default:
        out.push({ kind } as Fault)
    }
  }
  return out
}

const TXN_APIS = ['AddPartitionsToTxn', 'AddOffsetsToTxn', 'TxnOffsetCommit', 'EndTxn']
/** The APIs a guarantee's runtime uses (InitProducerId: the idempotent input producer uses it too). */
export function apisFor(guarantee: 'at_least_once' | 'exactly_once_v2'): string[] {
  return Object.keys(RETRIABLE_ERRORS).filter(a => guarantee === 'exactly_once_v2' || !TXN_APIS.includes(a))
}
