import type { KStream } from '../dsl/kstream.js'
import { validateName } from './named.js'

/** A branch of `split()`: its name suffix and what to do with the branch stream. */
export class Branched<K = any, V = any> {
  private constructor(
    readonly name: string | null,
    readonly chainFunction: ((stream: KStream<K, V>) => KStream<K, V> | void | null | undefined) | null,
    readonly isConsumer: boolean,
  ) {}

  static as<K = any, V = any>(name: string): Branched<K, V> {
    return new Branched<K, V>(validateName(name, 'Branched.as'), null, false)
  }
  /** The function's result (if any) is put in the result map instead of the branch stream. */
  static withFunction<K, V>(fn: (stream: KStream<K, V>) => KStream<K, V>, name?: string): Branched<K, V> {
    if (typeof fn !== 'function') throw new TypeError('Branched.withFunction: expected a function')
    return new Branched<K, V>(name === undefined ? null : validateName(name, 'Branched.withFunction'), fn, false)
  }
  /** The branch is consumed by `fn` and left out of the result map. */
  static withConsumer<K, V>(fn: (stream: KStream<K, V>) => void, name?: string): Branched<K, V> {
    if (typeof fn !== 'function') throw new TypeError('Branched.withConsumer: expected a function')
    return new Branched<K, V>(name === undefined ? null : validateName(name, 'Branched.withConsumer'), fn, true)
  }
}
