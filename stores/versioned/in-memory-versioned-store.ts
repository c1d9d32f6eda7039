// The in-memory versioned store: the same layout and semantics as the RocksDB one, in an
// ordered map; restored from the changelog on every start.
import type { StateStoreContext } from '../state-store.js'
import { OrderedBytesMap } from '../internals/ordered-bytes-map.js'
import { VersionedStoreBase, type OpenedVersionTable } from './versioned-store-base.js'

class MapTable implements OpenedVersionTable {
  private readonly map = new OrderedBytesMap<Buffer>()

  get(key: Buffer): Buffer | null {
    return this.map.get(key) ?? null
  }
  put(key: Buffer, value: Buffer | null): void {
    if (value === null) this.map.delete(key)
    else this.map.set(Buffer.from(key), value)
  }
  async *range(b: { gte?: Buffer; lte?: Buffer; lt?: Buffer; reverse?: boolean }): AsyncIterable<{ key: Buffer; value: Buffer }> {
    for (const slot of this.map.range(b.gte ?? null, b.lte ?? b.lt ?? null, b.reverse === true)) {
      if (b.lt !== undefined && Buffer.compare(slot.key, b.lt) >= 0) continue
      yield { key: slot.key, value: slot.value }
    }
  }
  async flush(): Promise<void> {}
  async close(): Promise<void> {
    this.map.clear()
  }
}

export class InMemoryVersionedStore extends VersionedStoreBase {
  readonly persistent = false

  protected async openTable(_context: StateStoreContext): Promise<OpenedVersionTable> {
    this.observedStreamTime = -1
    return new MapTable()
  }
}
