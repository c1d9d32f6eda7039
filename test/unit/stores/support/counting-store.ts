import { InMemoryKeyValueStore } from '../../../../stores/memory/in-memory-key-value-store.js'

/** An in-memory store that counts how often the layers above reach it. */
export class CountingKeyValueStore extends InMemoryKeyValueStore {
  gets = 0
  puts = 0
  override get(key: Buffer): Buffer | null {
    this.gets++
    return super.get(key)
  }
  override put(key: Buffer, value: Buffer | null): void {
    this.puts++
    super.put(key, value)
  }
}
