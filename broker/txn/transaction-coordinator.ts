/**
 * The transaction coordinator of a single-node broker (Kafka's TransactionCoordinator, KIP-98):
 * producer ids and epochs, fencing of older producers, the partitions and groups of each ongoing
 * transaction, transactional offset commits held until commit, commit/abort markers written to every
 * partition of a transaction, and broker-side abort of transactions past their timeout.
 *
 * Handlers take decoded request bodies (camelCase field names of Kafka's message specs) and return
 * response bodies. Errors follow Kafka, including its per-version mapping of PRODUCER_FENCED to
 * INVALID_PRODUCER_EPOCH for clients that predate the former. Each handler takes the request's API
 * version; without it the oldest version's errors are used, which every client understands.
 */
import { ErrorCode } from '../../protocol/errors.js'
import type { LogManager } from '../log/log-manager.js'
import type { GroupOffsets } from '../group/offsets.js'
import { MAX_PRODUCER_EPOCH, partitionKey, type TxnMetadata } from './transaction-metadata.js'
import { TxnStateFile, type PersistedTxn, type PersistedTxnState } from './txn-state-file.js'

export type { GroupOffsets }

type Int64 = number | bigint

export interface InitProducerIdRequest { transactionalId: string | null; transactionTimeoutMs: number; producerId?: Int64; producerEpoch?: number }
export interface InitProducerIdResponse { throttleTimeMs: number; errorCode: number; producerId: number; producerEpoch: number }

interface TopicPartitions { name: string; partitions: number[] }
export interface AddPartitionsToTxnRequest {
  // v0-3
  v3AndBelowTransactionalId?: string; v3AndBelowProducerId?: Int64; v3AndBelowProducerEpoch?: number; v3AndBelowTopics?: TopicPartitions[]
  // v4+ (broker to broker, batched)
  transactions?: { transactionalId: string; producerId: Int64; producerEpoch: number; verifyOnly: boolean; topics: TopicPartitions[] }[]
}
interface TopicResults { name: string; resultsByPartition: { partitionIndex: number; partitionErrorCode: number }[] }
export interface AddPartitionsToTxnResponse {
  throttleTimeMs: number
  resultsByTopicV3AndBelow?: TopicResults[]
  errorCode?: number
  resultsByTransaction?: { transactionalId: string; topicResults: TopicResults[] }[]
}

export interface AddOffsetsToTxnRequest { transactionalId: string; producerId: Int64; producerEpoch: number; groupId: string }
export interface TxnOffsetCommitRequest {
  transactionalId: string; groupId: string; producerId: Int64; producerEpoch: number
  generationId?: number; memberId?: string; groupInstanceId?: string | null
  topics: { name: string; partitions: { partitionIndex: number; committedOffset: Int64; committedLeaderEpoch?: number; committedMetadata: string | null }[] }[]
}
export interface TxnOffsetCommitResponse { throttleTimeMs: number; topics: { name: string; partitions: { partitionIndex: number; errorCode: number }[] }[] }
export interface EndTxnRequest { transactionalId: string; producerId: Int64; producerEpoch: number; committed: boolean }
export interface EndTxnResponse { throttleTimeMs: number; errorCode: number; producerId: number; producerEpoch: number }

export interface TransactionCoordinatorOptions {
  logs: LogManager
  offsets: GroupOffsets
  /** Kafka's transaction.max.timeout.ms; longer InitProducerId timeouts are rejected. */
  maxTransactionTimeoutMs?: number
  /** Clock for requests (tick takes its own `now`). */
  now?: () => number
  /**
   * KIP-447 fencing of TxnOffsetCommit v3+: checks that memberId is in the group and generationId is
   * its current generation, returning UNKNOWN_MEMBER_ID / ILLEGAL_GENERATION / FENCED_INSTANCE_ID or 0.
   * Called only when the request names a member, a generation or an instance (v3+); without it those are not checked.
   */
  validateGroupMember?: (groupId: string, memberId: string, generationId: number, groupInstanceId: string | null) => number
}

const OFFSET_METADATA_MAX_BYTES = 4096 // Kafka's offset.metadata.max.bytes
const COORDINATOR_EPOCH = 0

export class TransactionCoordinator {
  private readonly logs: LogManager
  private readonly offsets: GroupOffsets
  private readonly maxTimeoutMs: number
  private readonly clock: () => number
  private readonly validateGroupMember: TransactionCoordinatorOptions['validateGroupMember']
  private readonly txns = new Map<string, TxnMetadata>()
  private readonly byProducerId = new Map<bigint, TxnMetadata>()
  private nextProducerId = 0n
  private readonly stateFile: TxnStateFile | null
  private recovered = false

  constructor(opts: TransactionCoordinatorOptions) {
    this.logs = opts.logs
    this.offsets = opts.offsets
    this.maxTimeoutMs = opts.maxTransactionTimeoutMs ?? 900_000
    this.clock = opts.now ?? Date.now
    this.validateGroupMember = opts.validateGroupMember
    this.stateFile = opts.logs.dataDir ? new TxnStateFile(opts.logs.dataDir) : null
    opts.logs.setTransactionVerifier((pid, epoch, topic, partition) => this.verifyPartition(pid, epoch, topic, partition))
  }

  initProducerId(req: InitProducerIdRequest, apiVersion = 0): InitProducerIdResponse {
    this.recover()
    const fail = (errorCode: number) => ({ throttleTimeMs: 0, errorCode, producerId: -1, producerEpoch: -1 })
    const id = req.transactionalId
    if (id === null || id === undefined) {
      // Idempotent producer: a fresh id at epoch 0.
      const producerId = this.allocateProducerId()
      this.save()
      return { throttleTimeMs: 0, errorCode: 0, producerId: Number(producerId), producerEpoch: 0 }
    }
    if (id === '') return fail(ErrorCode.INVALID_REQUEST)
    const timeout = req.transactionTimeoutMs
    if (!Number.isInteger(timeout) || timeout <= 0 || timeout > this.maxTimeoutMs) return fail(ErrorCode.INVALID_TRANSACTION_TIMEOUT)
    const now = this.clock()
    let meta = this.txns.get(id)
    if (!meta) {
      meta = this.newMetadata(id, this.allocateProducerId(), timeout, now)
      this.save(meta)
      return { throttleTimeMs: 0, errorCode: 0, producerId: Number(meta.producerId), producerEpoch: meta.producerEpoch }
    }
    // v3+ may name the producer id and epoch the caller had (KIP-360): both or neither.
    const expectedPid = req.producerId === undefined ? -1n : BigInt(req.producerId)
    const expectedEpoch = req.producerEpoch ?? -1
    if ((expectedPid < 0n) !== (expectedEpoch < 0)) return fail(ErrorCode.INVALID_REQUEST)
    const expected = expectedPid >= 0n
    if (expected && expectedPid !== meta.producerId) return fail(this.fenced(apiVersion, 4))
    switch (meta.state) {
      case 'PrepareCommit':
      case 'PrepareAbort':
        return fail(ErrorCode.CONCURRENT_TRANSACTIONS)
      case 'Ongoing':
        // Fence the previous producer: bump the epoch, abort its transaction with the new epoch, and
        // let the caller retry (it then gets yet another epoch), exactly as Kafka does.
        this.bumpEpoch(meta, -1)
        this.complete(meta, false, now)
        return fail(ErrorCode.CONCURRENT_TRANSACTIONS)
      default: {
        const ok = () => ({ throttleTimeMs: 0, errorCode: 0, producerId: Number(meta!.producerId), producerEpoch: meta!.producerEpoch })
        if (expected && expectedEpoch !== meta.producerEpoch) {
          // The previous epoch is a retry of a bump whose answer was lost: the current epoch, no new bump.
          if (expectedEpoch === meta.lastProducerEpoch) return ok()
          return fail(this.fenced(apiVersion, 4))
        }
        // A producer continuing after an error keeps the right to retry (last = its epoch); a new
        // instance (no expected epoch) fences every earlier one (last = -1).
        this.bumpEpoch(meta, expected ? meta.producerEpoch : -1)
        meta.timeoutMs = timeout
        meta.state = 'Empty'
        meta.lastUpdateTimestamp = now
        this.save(meta)
        return ok()
      }
    }
  }

  addPartitionsToTxn(req: AddPartitionsToTxnRequest, apiVersion = 0): AddPartitionsToTxnResponse {
    this.recover()
    if (req.transactions && apiVersion >= 4) {
      const resultsByTransaction = req.transactions.map((t) => ({
        transactionalId: t.transactionalId,
        topicResults: t.verifyOnly
          ? this.verifyOnly(t.transactionalId, BigInt(t.producerId), t.producerEpoch, t.topics ?? [])
          : this.addPartitions(t.transactionalId, BigInt(t.producerId), t.producerEpoch, t.topics ?? [], apiVersion),
      }))
      return { throttleTimeMs: 0, errorCode: 0, resultsByTransaction }
    }
    const resultsByTopicV3AndBelow = this.addPartitions(
      req.v3AndBelowTransactionalId ?? '', BigInt(req.v3AndBelowProducerId ?? -1), req.v3AndBelowProducerEpoch ?? -1,
      req.v3AndBelowTopics ?? [], apiVersion,
    )
    return { throttleTimeMs: 0, resultsByTopicV3AndBelow }
  }

  addOffsetsToTxn(req: AddOffsetsToTxnRequest, apiVersion = 0): { throttleTimeMs: number; errorCode: number } {
    this.recover()
    const checked = this.checkProducer(req.transactionalId, BigInt(req.producerId), req.producerEpoch, this.fenced(apiVersion, 2))
    if (typeof checked === 'number') return { throttleTimeMs: 0, errorCode: checked }
    if (typeof req.groupId !== 'string' || req.groupId === '') return { throttleTimeMs: 0, errorCode: ErrorCode.INVALID_REQUEST }
    if (checked.state === 'PrepareCommit' || checked.state === 'PrepareAbort') return { throttleTimeMs: 0, errorCode: ErrorCode.CONCURRENT_TRANSACTIONS }
    if (checked.state !== 'Ongoing' || !checked.groups.has(req.groupId)) {
      this.beginIfNeeded(checked)
      checked.groups.add(req.groupId)
      this.save(checked)
    }
    return { throttleTimeMs: 0, errorCode: 0 }
  }

  txnOffsetCommit(req: TxnOffsetCommitRequest, _apiVersion = 0): TxnOffsetCommitResponse {
    this.recover()
    const all = (errorCode: number): TxnOffsetCommitResponse => ({
      throttleTimeMs: 0,
      topics: (req.topics ?? []).map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })) })),
    })
    // A stale epoch here is what the offsets log's producer check reports in Kafka: INVALID_PRODUCER_EPOCH.
    const checked = this.checkProducer(req.transactionalId, BigInt(req.producerId), req.producerEpoch, ErrorCode.INVALID_PRODUCER_EPOCH)
    if (typeof checked === 'number') return all(checked)
    if (checked.state !== 'Ongoing' || !checked.groups.has(req.groupId)) return all(ErrorCode.INVALID_TXN_STATE)
    const memberId = req.memberId ?? ''
    const generationId = req.generationId ?? -1
    const groupInstanceId = req.groupInstanceId ?? null
    if (this.validateGroupMember && (memberId !== '' || generationId >= 0 || groupInstanceId !== null)) {
      const code = this.validateGroupMember(req.groupId, memberId, generationId, groupInstanceId)
      if (code) return all(code)
    }
    let pending = checked.pendingOffsets.get(req.groupId)
    if (!pending) checked.pendingOffsets.set(req.groupId, (pending = new Map()))
    const topics = (req.topics ?? []).map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => {
        let errorCode: number = ErrorCode.NONE
        if (!this.logs.partition(t.name, p.partitionIndex)) errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
        else if (p.committedMetadata && Buffer.byteLength(p.committedMetadata) > OFFSET_METADATA_MAX_BYTES) errorCode = ErrorCode.OFFSET_METADATA_TOO_LARGE
        else {
          pending!.set(partitionKey(t.name, p.partitionIndex), {
            topic: t.name, partition: p.partitionIndex, offset: Number(p.committedOffset), metadata: p.committedMetadata ?? null,
          })
        }
        return { partitionIndex: p.partitionIndex, errorCode }
      }),
    }))
    this.save(checked)
    return { throttleTimeMs: 0, topics }
  }

  endTxn(req: EndTxnRequest, apiVersion = 0): EndTxnResponse {
    this.recover()
    const respond = (errorCode: number, meta?: TxnMetadata): EndTxnResponse => ({
      throttleTimeMs: 0, errorCode,
      producerId: meta ? Number(meta.producerId) : -1, producerEpoch: meta ? meta.producerEpoch : -1,
    })
    const checked = this.checkProducer(req.transactionalId, BigInt(req.producerId), req.producerEpoch, this.fenced(apiVersion, 2))
    if (typeof checked === 'number') return respond(checked)
    const commit = !!req.committed
    switch (checked.state) {
      case 'Ongoing':
        this.complete(checked, commit, this.clock())
        return respond(0, checked)
      case 'CompleteCommit': // a retry of the request that completed it succeeds; the opposite is invalid
        return respond(commit ? 0 : ErrorCode.INVALID_TXN_STATE, checked)
      case 'CompleteAbort':
        return respond(commit ? ErrorCode.INVALID_TXN_STATE : 0, checked)
      case 'PrepareCommit':
        return respond(commit ? ErrorCode.CONCURRENT_TRANSACTIONS : ErrorCode.INVALID_TXN_STATE, checked)
      case 'PrepareAbort':
        return respond(commit ? ErrorCode.INVALID_TXN_STATE : ErrorCode.CONCURRENT_TRANSACTIONS, checked)
      default:
        return respond(ErrorCode.INVALID_TXN_STATE, checked)
    }
  }

  /** Whether an open transaction holds a TxnOffsetCommit for this group and partition (OffsetFetch requireStable). */
  hasPendingOffset(groupId: string, topic: string, partition: number): boolean {
    this.recover()
    const key = partitionKey(topic, partition)
    for (const meta of this.txns.values()) {
      if (meta.pendingOffsets.get(groupId)?.has(key)) return true
    }
    return false
  }

  /** Aborts, with an epoch bump that fences the producer, every transaction open longer than its timeout. */
  tick(now: number): void {
    this.recover()
    for (const meta of this.txns.values()) {
      if (meta.state === 'Ongoing' && meta.txnStartTimestamp + meta.timeoutMs < now) {
        this.bumpEpoch(meta, -1)
        this.complete(meta, false, now)
      }
    }
  }

  /** Rewrites the state file compactly and closes it (every change was written when it happened). */
  close(): void {
    if (!this.stateFile || !this.recovered) return
    this.stateFile.rewrite(this.state())
    this.stateFile.close()
  }

  /** The coordinator's view of one transactional id (for DescribeTransactions-style tooling and tests). */
  describe(transactionalId: string): { producerId: number; producerEpoch: number; state: string; partitions: { topic: string; partition: number }[]; groups: string[]; timeoutMs: number } | null {
    this.recover()
    const m = this.txns.get(transactionalId)
    if (!m) return null
    return {
      producerId: Number(m.producerId), producerEpoch: m.producerEpoch, state: m.state,
      partitions: [...m.partitions.values()], groups: [...m.groups], timeoutMs: m.timeoutMs,
    }
  }

  // ---- internals ----

  /** Kafka returns PRODUCER_FENCED from `sinceVersion` on and INVALID_PRODUCER_EPOCH to older clients. */
  private fenced(apiVersion: number, sinceVersion: number): number {
    return apiVersion >= sinceVersion ? ErrorCode.PRODUCER_FENCED : ErrorCode.INVALID_PRODUCER_EPOCH
  }

  private checkProducer(transactionalId: string, producerId: bigint, epoch: number, fencedCode: number): TxnMetadata | number {
    if (typeof transactionalId !== 'string' || transactionalId === '') return ErrorCode.INVALID_REQUEST
    const meta = this.txns.get(transactionalId)
    if (!meta || meta.producerId !== producerId) return ErrorCode.INVALID_PRODUCER_ID_MAPPING
    if (epoch !== meta.producerEpoch) return fencedCode
    return meta
  }

  private addPartitions(transactionalId: string, producerId: bigint, epoch: number, topics: TopicPartitions[], apiVersion: number): TopicResults[] {
    const resultFor = (code: (topic: string, p: number) => number): TopicResults[] =>
      topics.map((t) => ({ name: t.name, resultsByPartition: (t.partitions ?? []).map((p) => ({ partitionIndex: p, partitionErrorCode: code(t.name, p) })) }))
    if (typeof transactionalId !== 'string' || transactionalId === '') return resultFor(() => ErrorCode.INVALID_REQUEST)
    // Unknown partitions fail the whole request: they get UNKNOWN_TOPIC_OR_PARTITION, the rest OPERATION_NOT_ATTEMPTED.
    const unknown = topics.some((t) => (t.partitions ?? []).some((p) => !this.logs.partition(t.name, p)))
    if (unknown) {
      return resultFor((topic, p) => (this.logs.partition(topic, p) ? ErrorCode.OPERATION_NOT_ATTEMPTED : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION))
    }
    const checked = this.checkProducer(transactionalId, producerId, epoch, this.fenced(apiVersion, 2))
    if (typeof checked === 'number') return resultFor(() => checked)
    if (checked.state === 'PrepareCommit' || checked.state === 'PrepareAbort') return resultFor(() => ErrorCode.CONCURRENT_TRANSACTIONS)
    // Already part of the ongoing transaction: nothing to write (Kafka's shortcut).
    const added = topics.some((t) => (t.partitions ?? []).some((p) => !checked.partitions.has(partitionKey(t.name, p))))
    if (checked.state !== 'Ongoing' || added) {
      this.beginIfNeeded(checked)
      for (const t of topics) for (const p of t.partitions ?? []) checked.partitions.set(partitionKey(t.name, p), { topic: t.name, partition: p })
      this.save(checked)
    }
    return resultFor(() => ErrorCode.NONE)
  }

  private verifyOnly(transactionalId: string, producerId: bigint, epoch: number, topics: TopicPartitions[]): TopicResults[] {
    const meta = this.txns.get(transactionalId)
    return topics.map((t) => ({
      name: t.name,
      resultsByPartition: (t.partitions ?? []).map((p) => {
        let code: number = ErrorCode.NONE
        if (!meta || meta.producerId !== producerId) code = ErrorCode.INVALID_PRODUCER_ID_MAPPING
        else if (meta.producerEpoch !== epoch) code = ErrorCode.PRODUCER_FENCED
        else if (!meta.partitions.has(partitionKey(t.name, p))) code = ErrorCode.INVALID_TXN_STATE
        return { partitionIndex: p, partitionErrorCode: code }
      }),
    }))
  }

  /** Kafka's partition verification for a produce that would start a transaction in a partition. */
  private verifyPartition(producerId: bigint, epoch: number, topic: string, partition: number): number {
    this.recover()
    const meta = this.byProducerId.get(producerId)
    if (!meta) return ErrorCode.INVALID_PRODUCER_ID_MAPPING
    if (meta.producerEpoch !== epoch) return ErrorCode.INVALID_PRODUCER_EPOCH // PRODUCER_FENCED as producers expect it here
    if (meta.state === 'PrepareCommit' || meta.state === 'PrepareAbort') return ErrorCode.CONCURRENT_TRANSACTIONS
    if (meta.state !== 'Ongoing' || !meta.partitions.has(partitionKey(topic, partition))) return ErrorCode.INVALID_TXN_STATE
    return ErrorCode.NONE
  }

  private beginIfNeeded(meta: TxnMetadata): void {
    if (meta.state === 'Ongoing') return
    const now = this.clock()
    meta.state = 'Ongoing'
    meta.txnStartTimestamp = now
    meta.lastUpdateTimestamp = now
  }

  /**
   * Kafka's two steps: PrepareCommit/PrepareAbort is written first (with the partitions and pending
   * offsets), then the markers and offsets, then CompleteCommit/CompleteAbort. A crash in between
   * leaves the Prepare state on disk, and recovery finishes the job.
   */
  private complete(meta: TxnMetadata, commit: boolean, now: number): void {
    meta.state = commit ? 'PrepareCommit' : 'PrepareAbort'
    meta.lastUpdateTimestamp = now
    this.save(meta)
    this.finish(meta, now)
  }

  /** Writes the markers, publishes or drops the pending offsets, and closes a prepared transaction. */
  private finish(meta: TxnMetadata, now: number, onlyWhereOpen = false): void {
    const commit = meta.state === 'PrepareCommit'
    for (const { topic, partition } of meta.partitions.values()) {
      const log = this.logs.partition(topic, partition)
      // On recovery, partitions that already have this transaction's marker are skipped.
      if (log && (!onlyWhereOpen || log.hasOpenTransaction(meta.producerId))) {
        log.writeMarker(meta.producerId, meta.producerEpoch, commit, COORDINATOR_EPOCH, now)
      }
    }
    if (commit) {
      for (const [groupId, pending] of meta.pendingOffsets) this.offsets.commit(groupId, [...pending.values()])
    }
    meta.partitions.clear()
    meta.groups.clear()
    meta.pendingOffsets.clear()
    meta.state = commit ? 'CompleteCommit' : 'CompleteAbort'
    meta.lastUpdateTimestamp = now
    this.save(meta)
  }

  /** Next epoch (a fresh producer id once epochs run out); `lastEpoch` is the epoch a retry may still name. */
  private bumpEpoch(meta: TxnMetadata, lastEpoch: number): void {
    if (meta.producerEpoch >= MAX_PRODUCER_EPOCH) {
      this.byProducerId.delete(meta.producerId)
      meta.producerId = this.allocateProducerId()
      meta.lastProducerEpoch = -1
      meta.producerEpoch = 0
      this.byProducerId.set(meta.producerId, meta)
      return
    }
    meta.lastProducerEpoch = lastEpoch
    meta.producerEpoch += 1
  }

  private newMetadata(transactionalId: string, producerId: bigint, timeoutMs: number, now: number, epoch = 0, lastEpoch = -1): TxnMetadata {
    const meta: TxnMetadata = {
      transactionalId, producerId, producerEpoch: epoch, lastProducerEpoch: lastEpoch, timeoutMs, state: 'Empty',
      partitions: new Map(), groups: new Set(), pendingOffsets: new Map(), txnStartTimestamp: -1, lastUpdateTimestamp: now,
    }
    this.txns.set(transactionalId, meta)
    this.byProducerId.set(producerId, meta)
    return meta
  }

  private allocateProducerId(): bigint {
    return this.nextProducerId++
  }

  /** Appends the new state of `meta` (or only the next producer id) before the caller answers. */
  private save(meta?: TxnMetadata): void {
    if (!this.stateFile) return
    this.stateFile.append(this.nextProducerId, meta ? toPersisted(meta) : undefined)
    if (this.stateFile.wantsRewrite) this.stateFile.rewrite(this.state())
  }

  private state(): PersistedTxnState {
    return { nextProducerId: this.nextProducerId.toString(), transactions: [...this.txns.values()].map(toPersisted) }
  }

  /**
   * Runs once, before the first request is answered (and when the logs are open), as Kafka loads
   * __transaction_state: reloads every transactional id's metadata; an Ongoing transaction stays
   * Ongoing with its partitions, groups, pending offsets and start time, so its producer may go on
   * and commit it (or `tick` aborts it at its timeout, fencing the producer); a transaction in
   * PrepareCommit/PrepareAbort is completed (markers where missing, offsets published or dropped).
   * A transaction the logs show open that no Ongoing transaction accounts for (state saved by an
   * earlier version, which did not keep partitions) is aborted with an epoch bump, so its producer
   * is fenced rather than beginning a new transaction. No producer id seen in a log is reused.
   */
  recover(): void {
    if (this.recovered) return
    this.recovered = true
    const now = this.clock()
    const saved = this.stateFile?.load()
    if (saved) {
      this.nextProducerId = BigInt(saved.nextProducerId)
      for (const t of saved.transactions) this.restore(t, now)
    }
    for (const log of this.logs.allPartitions()) {
      const max = log.maxProducerId()
      if (max >= this.nextProducerId) this.nextProducerId = max + 1n
    }
    for (const meta of this.txns.values()) {
      if (meta.state === 'PrepareCommit' || meta.state === 'PrepareAbort') this.finish(meta, now, true)
    }
    this.abortUnaccountedTransactions(now)
    this.stateFile?.rewrite(this.state())
  }

  private restore(t: PersistedTxn, now: number): void {
    const meta = this.newMetadata(t.transactionalId, BigInt(t.producerId), t.timeoutMs, now, t.producerEpoch, t.lastProducerEpoch)
    meta.state = t.state ?? 'Empty'
    for (const [topic, partition] of t.partitions ?? []) meta.partitions.set(partitionKey(topic, partition), { topic, partition })
    for (const g of t.groups ?? []) meta.groups.add(g)
    for (const [groupId, topic, partition, offset, metadata] of t.pendingOffsets ?? []) {
      let pending = meta.pendingOffsets.get(groupId)
      if (!pending) meta.pendingOffsets.set(groupId, (pending = new Map()))
      pending.set(partitionKey(topic, partition), { topic, partition, offset, metadata })
    }
    meta.txnStartTimestamp = t.txnStartTimestamp ?? -1
    meta.lastUpdateTimestamp = t.lastUpdateTimestamp ?? now
  }

  private abortUnaccountedTransactions(now: number): void {
    const fenced = new Set<TxnMetadata>()
    for (const log of this.logs.allPartitions()) {
      for (const open of log.openTransactions()) {
        const meta = this.byProducerId.get(open.producerId)
        if (meta?.state === 'Ongoing' && meta.partitions.has(partitionKey(log.topic, log.partition))) continue
        if (!meta) {
          log.writeMarker(open.producerId, open.epoch, false, COORDINATOR_EPOCH, now)
          continue
        }
        if (meta.state === 'Ongoing') {
          // Data in a partition the transaction never added: abort the whole transaction, fencing.
          meta.partitions.set(partitionKey(log.topic, log.partition), { topic: log.topic, partition: log.partition })
          this.bumpEpoch(meta, -1)
          this.complete(meta, false, now)
          fenced.add(meta)
          continue
        }
        if (!fenced.has(meta)) {
          fenced.add(meta)
          this.bumpEpoch(meta, -1)
          meta.lastUpdateTimestamp = now
          this.save(meta)
        }
        log.writeMarker(open.producerId, Math.max(open.epoch, meta.producerEpoch), false, COORDINATOR_EPOCH, now)
      }
    }
  }
}

function toPersisted(m: TxnMetadata): PersistedTxn {
  const pendingOffsets: [string, string, number, number, string | null][] = []
  for (const [groupId, pending] of m.pendingOffsets) {
    for (const o of pending.values()) pendingOffsets.push([groupId, o.topic, o.partition, o.offset, o.metadata])
  }
  return {
    transactionalId: m.transactionalId, producerId: m.producerId.toString(), producerEpoch: m.producerEpoch,
    lastProducerEpoch: m.lastProducerEpoch, timeoutMs: m.timeoutMs, state: m.state,
    partitions: [...m.partitions.values()].map((p) => [p.topic, p.partition]), groups: [...m.groups], pendingOffsets,
    txnStartTimestamp: m.txnStartTimestamp, lastUpdateTimestamp: m.lastUpdateTimestamp,
  }
}
