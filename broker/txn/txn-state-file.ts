/**
 * Persists what must survive a restart of the coordinator: the next producer id and each
 * transactional id's producer id and epoch (`transactions.json` in the data dir). Written only when
 * these change (InitProducerId, timeout fencing), never per transaction.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export interface PersistedTxn { transactionalId: string; producerId: string; producerEpoch: number; lastProducerEpoch: number; timeoutMs: number }
export interface PersistedTxnState { nextProducerId: string; transactions: PersistedTxn[] }

export class TxnStateFile {
  private readonly path: string
  constructor(dataDir: string) {
    this.path = join(dataDir, 'transactions.json')
  }

  load(): PersistedTxnState | null {
    if (!existsSync(this.path)) return null
    return JSON.parse(readFileSync(this.path, 'utf8')) as PersistedTxnState
  }

  save(state: PersistedTxnState): void {
    mkdirSync(join(this.path, '..'), { recursive: true })
    const tmp = `${this.path}.tmp`
    writeFileSync(tmp, JSON.stringify(state))
    renameSync(tmp, this.path)
  }
}
