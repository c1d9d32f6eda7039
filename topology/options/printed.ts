import { closeSync, openSync } from 'node:fs'
import { validateName } from './named.js'

/** Where printed lines go: standard output, or a file created (truncated) when `print` is called. */
export type PrintTarget = { kind: 'stdout' } | { kind: 'file'; path: string }

/** Formats a record for `print`; the default is `key, value`. The value is null for a tombstone. */
export type KeyValueFormatter<K, V> = (key: K, value: V | null) => string

/**
 * How `KStream.print` writes records, as Kafka Streams' `Printed`: each record becomes one line
 * `[label]: key, value`; the label defaults to the name of the printed stream's node.
 */
export class Printed<K = any, V = any> {
  private constructor(
    readonly target: PrintTarget,
    readonly label: string | null,
    readonly mapper: KeyValueFormatter<K, V> | null,
    readonly processorName: string | null,
  ) {}

  static toSysOut<K = any, V = any>(): Printed<K, V> {
    return new Printed<K, V>({ kind: 'stdout' }, null, null, null)
  }

  /** Writes to `filePath`, as Kafka Streams: the file is created, or emptied, now. */
  static toFile<K = any, V = any>(filePath: string): Printed<K, V> {
    if (typeof filePath !== 'string' || filePath.length === 0) throw new TypeError('Printed.toFile: filePath must be a non-empty string')
    try {
      closeSync(openSync(filePath, 'w'))
    } catch (err) {
      throw new Error(`Printed.toFile: unable to write stream to file at [${filePath}]: ${(err as Error).message}`)
    }
    return new Printed<K, V>({ kind: 'file', path: filePath }, null, null, null)
  }

  withLabel(label: string): Printed<K, V> {
    if (typeof label !== 'string') throw new TypeError('Printed.withLabel: label must be a string')
    return new Printed(this.target, label, this.mapper, this.processorName)
  }

  withKeyValueMapper(mapper: KeyValueFormatter<K, V>): Printed<K, V> {
    if (typeof mapper !== 'function') throw new TypeError('Printed.withKeyValueMapper: mapper must be a function')
    return new Printed(this.target, this.label, mapper, this.processorName)
  }

  withName(processorName: string): Printed<K, V> {
    return new Printed(this.target, this.label, this.mapper, validateName(processorName, 'Printed.withName'))
  }
}
