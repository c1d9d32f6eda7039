// A real StateStoreContext for the persistent-store tests: a task directory on disk, a collector
// that keeps every changelog record it is sent, and the restore callbacks stores register.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { RecordContext, RestoreCallback, StateStore, StateStoreContext, ChangelogRecord } from '../../../stores/state-store.js'
import { changelogTopicName } from '../../../stores/state-store.js'

export interface SentRecord extends ChangelogRecord {
  topic: string
  partition: number
  offset: number
}

export class CapturingCollector {
  readonly sent: SentRecord[] = []
  send(topic: string, record: ChangelogRecord, partition: number): void {
    const offset = this.sent.filter((r) => r.topic === topic && r.partition === partition).length
    this.sent.push({ ...record, topic, partition, offset })
  }
  changelog(topic: string, partition = 0): SentRecord[] {
    return this.sent.filter((r) => r.topic === topic && r.partition === partition)
  }
}

export interface TestContext extends StateStoreContext {
  readonly collector: CapturingCollector
  readonly restorers: Map<string, RestoreCallback>
  setTimestamp(ts: number): void
}

export function testContext(opts: { taskDir: string; applicationId?: string; taskId?: string; partition?: number }): TestContext {
  const applicationId = opts.applicationId ?? 'app'
  const collector = new CapturingCollector()
  const restorers = new Map<string, RestoreCallback>()
  let timestamp = 0
  return {
    applicationId,
    taskId: opts.taskId ?? '0_0',
    partition: opts.partition ?? 0,
    taskDir: opts.taskDir,
    cache: null,
    collector,
    restorers,
    changelogTopic: (store: string) => changelogTopicName(applicationId, store),
    recordContext: (): RecordContext => ({ topic: 'input', partition: opts.partition ?? 0, offset: 0, timestamp, headers: {} }),
    register: (store: StateStore, restore: RestoreCallback) => {
      restorers.set(store.name, restore)
    },
    setTimestamp: (ts: number) => {
      timestamp = ts
    },
  }
}

export async function tempDir(prefix = 'kstreams-rocksdb-'): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix))
  return { path, remove: () => rm(path, { recursive: true, force: true }) }
}
