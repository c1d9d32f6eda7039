/**
 * The transaction coordinator's state on disk (Kafka's __transaction_state log): `transactions.log`
 * in the data dir, one record per state change of a transactional id, each carrying the whole
 * metadata (state, producer id and epochs, timeout, start time, partitions, groups, pending
 * TxnOffsetCommit offsets) and the next producer id. Written before the coordinator answers, so an
 * acknowledged change survives a restart and a kill -9 (see Journal). Load keeps the last record
 * of each transactional id and rewrites the file compactly.
 */
import { readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { Journal } from '../log/journal.js'
import type { TxnState } from './transaction-metadata.js'

export interface PersistedTxn {
  transactionalId: string; producerId: string; producerEpoch: number; lastProducerEpoch: number; timeoutMs: number
  /** Absent in the snapshot file of earlier versions, which kept only ids and epochs. */
  state?: TxnState
  partitions?: [string, number][]
  groups?: string[]
  /** [groupId, topic, partition, offset, metadata] */
  pendingOffsets?: [string, string, number, number, string | null][]
  txnStartTimestamp?: number
  lastUpdateTimestamp?: number
}
interface TxnRecord { nextProducerId: string; txn?: PersistedTxn }
export interface PersistedTxnState { nextProducerId: string; transactions: PersistedTxn[] }

export class TxnStateFile {
  private readonly journal: Journal<TxnRecord>
  private readonly legacyPath: string

  constructor(dataDir: string) {
    this.journal = new Journal<TxnRecord>(join(dataDir, 'transactions.log'))
    this.legacyPath = join(dataDir, 'transactions.json')
  }

  /** The saved state (the legacy snapshot first, then the log on top), or null if there is none. */
  load(): PersistedTxnState | null {
    const legacy = this.readLegacy()
    const records = this.journal.load()
    if (!legacy && records.length === 0) return null
    let next = BigInt(legacy?.nextProducerId ?? 0)
    const byId = new Map<string, PersistedTxn>()
    for (const t of legacy?.transactions ?? []) byId.set(t.transactionalId, t)
    for (const r of records) {
      if (BigInt(r.nextProducerId) > next) next = BigInt(r.nextProducerId)
      if (r.txn) byId.set(r.txn.transactionalId, r.txn)
    }
    return { nextProducerId: next.toString(), transactions: [...byId.values()] }
  }

  /** Appends one transactional id's new state (or only the next producer id). */
  append(nextProducerId: bigint, txn?: PersistedTxn): void {
    this.journal.append(txn ? { nextProducerId: nextProducerId.toString(), txn } : { nextProducerId: nextProducerId.toString() })
  }

  get wantsRewrite(): boolean {
    return this.journal.wantsRewrite
  }

  /** Replaces the file with the current state (and drops an earlier version's snapshot file). */
  rewrite(state: PersistedTxnState): void {
    this.journal.rewrite([{ nextProducerId: state.nextProducerId }, ...state.transactions.map((txn) => ({ nextProducerId: state.nextProducerId, txn }))])
    rmSync(this.legacyPath, { force: true })
  }

  close(): void {
    this.journal.close()
  }

  private readLegacy(): PersistedTxnState | null {
    try {
      return JSON.parse(readFileSync(this.legacyPath, 'utf8')) as PersistedTxnState
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
      throw new Error(`cannot read transaction state from ${this.legacyPath}: ${(err as Error).message}`)
    }
  }
}
