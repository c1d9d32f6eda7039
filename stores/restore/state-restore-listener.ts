// Progress reporting for restoring stores from their changelogs (Kafka Streams'
// StateRestoreListener, with the topic-partition spelled out as changelog + partition).

export interface StateRestoreListener {
  /** before the first batch; endOffset is exclusive (the changelog's end when restore began) */
  onRestoreStart(storeName: string, changelog: string, partition: number, startOffset: number, endOffset: number): void | Promise<void>
  /** after each batch reached the store; batchEndOffset is the offset of the batch's last record */
  onBatchRestored(storeName: string, changelog: string, partition: number, batchEndOffset: number, numRestored: number): void | Promise<void>
  onRestoreEnd(storeName: string, changelog: string, partition: number, totalRestored: number): void | Promise<void>
}

/** Calls several listeners in order (e.g. the user's and the runtime's metrics). */
export function compositeRestoreListener(listeners: StateRestoreListener[]): StateRestoreListener {
  return {
    async onRestoreStart(...args) {
      for (const l of listeners) await l.onRestoreStart(...args)
    },
    async onBatchRestored(...args) {
      for (const l of listeners) await l.onBatchRestored(...args)
    },
    async onRestoreEnd(...args) {
      for (const l of listeners) await l.onRestoreEnd(...args)
    },
  }
}
