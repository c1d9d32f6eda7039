import type { Serde } from '../../../stores/serde.js'
import { SerializationError } from '../../serdes/serde-errors.js'

export interface CombinedKey<KO, K> {
  foreignKey: KO
  primaryKey: K
}

/**
 * Kafka Streams' CombinedKeySchema: the subscription store's key is
 * `{4 bytes foreign key length}{foreign key}{primary key}`, so all subscriptions of one foreign key
 * share the prefix `{length}{foreign key}` and a prefix scan finds them.
 */
export class CombinedKeySchema<KO, K> {
  constructor(
    private readonly foreignKeySerde: Serde<KO>,
    private readonly primaryKeySerde: Serde<K>,
    /** pseudo-topics `<app>-<subscription topic>-fk` and `-pk`, known at run time */
    private readonly foreignKeyTopic: () => string,
    private readonly primaryKeyTopic: () => string,
  ) {}

  toBytes(foreignKey: KO, primaryKey: K): Buffer {
    const fk = this.serializeForeignKey(foreignKey)
    const pk = this.primaryKeySerde.serialize(this.primaryKeyTopic(), primaryKey)
    if (pk === null) throw new SerializationError('a primary key of a foreign-key join serialized to null', this.primaryKeyTopic())
    const out = Buffer.allocUnsafe(4 + fk.length + pk.length)
    out.writeInt32BE(fk.length, 0)
    fk.copy(out, 4)
    pk.copy(out, 4 + fk.length)
    return out
  }

  fromBytes(data: Buffer): CombinedKey<KO, K> {
    const fkLength = data.readInt32BE(0)
    const foreignKey = this.foreignKeySerde.deserialize(this.foreignKeyTopic(), data.subarray(4, 4 + fkLength)) as KO
    const primaryKey = this.primaryKeySerde.deserialize(this.primaryKeyTopic(), data.subarray(4 + fkLength)) as K
    return { foreignKey, primaryKey }
  }

  prefixBytes(foreignKey: KO): Buffer {
    const fk = this.serializeForeignKey(foreignKey)
    const out = Buffer.allocUnsafe(4 + fk.length)
    out.writeInt32BE(fk.length, 0)
    fk.copy(out, 4)
    return out
  }

  private serializeForeignKey(foreignKey: KO): Buffer {
    const fk = this.foreignKeySerde.serialize(this.foreignKeyTopic(), foreignKey)
    if (fk === null) throw new SerializationError('a foreign key serialized to null', this.foreignKeyTopic())
    return fk
  }
}
