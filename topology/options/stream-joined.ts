import type { Serde } from '../../stores/serde.js'
import type { WindowBytesStoreSupplier } from '../../stores/store-supplier.js'
import { validateName } from './named.js'

/** Serdes, names and store options of a stream-stream join's two window stores. */
export class StreamJoined<K = any, V = any, VO = any> {
  private constructor(
    readonly keySerde: Serde<K> | null,
    readonly valueSerde: Serde<V> | null,
    readonly otherValueSerde: Serde<VO> | null,
    readonly name: string | null,
    readonly storeName: string | null,
    readonly thisStoreSupplier: WindowBytesStoreSupplier | null,
    readonly otherStoreSupplier: WindowBytesStoreSupplier | null,
    readonly loggingEnabled: boolean,
    readonly logConfig: Record<string, string>,
  ) {}

  static with<K, V, VO>(keySerde: Serde<K> | null, valueSerde: Serde<V> | null, otherValueSerde: Serde<VO> | null): StreamJoined<K, V, VO> {
    return new StreamJoined(keySerde, valueSerde, otherValueSerde, null, null, null, null, true, {})
  }
  /** Names the join stores (`<storeName>-this-join-store` / `-other-join-store`) and their changelogs. */
  static as<K = any, V = any, VO = any>(storeName: string): StreamJoined<K, V, VO> {
    return new StreamJoined<K, V, VO>(null, null, null, null, validateName(storeName, 'StreamJoined.as'), null, null, true, {})
  }
  static withStoreSuppliers<K = any, V = any, VO = any>(thisSupplier: WindowBytesStoreSupplier, otherSupplier: WindowBytesStoreSupplier): StreamJoined<K, V, VO> {
    return new StreamJoined<K, V, VO>(null, null, null, null, null, thisSupplier, otherSupplier, true, {})
  }

  private copy(changes: Partial<{ -readonly [P in keyof StreamJoined<K, V, VO>]: StreamJoined<K, V, VO>[P] }>): StreamJoined<K, V, VO> {
    const s = { ...this, ...changes }
    return new StreamJoined(s.keySerde, s.valueSerde, s.otherValueSerde, s.name, s.storeName, s.thisStoreSupplier, s.otherStoreSupplier, s.loggingEnabled, s.logConfig)
  }

  withKeySerde(keySerde: Serde<K>): StreamJoined<K, V, VO> {
    return this.copy({ keySerde })
  }
  withValueSerde(valueSerde: Serde<V>): StreamJoined<K, V, VO> {
    return this.copy({ valueSerde })
  }
  withOtherValueSerde(otherValueSerde: Serde<VO>): StreamJoined<K, V, VO> {
    return this.copy({ otherValueSerde })
  }
  withName(name: string): StreamJoined<K, V, VO> {
    return this.copy({ name: validateName(name, 'StreamJoined.withName') })
  }
  withStoreName(storeName: string): StreamJoined<K, V, VO> {
    return this.copy({ storeName: validateName(storeName, 'StreamJoined.withStoreName') })
  }
  withThisStoreSupplier(thisStoreSupplier: WindowBytesStoreSupplier): StreamJoined<K, V, VO> {
    return this.copy({ thisStoreSupplier })
  }
  withOtherStoreSupplier(otherStoreSupplier: WindowBytesStoreSupplier): StreamJoined<K, V, VO> {
    return this.copy({ otherStoreSupplier })
  }
  withLoggingEnabled(config: Record<string, string> = {}): StreamJoined<K, V, VO> {
    return this.copy({ loggingEnabled: true, logConfig: { ...config } })
  }
  withLoggingDisabled(): StreamJoined<K, V, VO> {
    return this.copy({ loggingEnabled: false, logConfig: {} })
  }
}
