import type { Branched } from '../options/branched.js'
import { KStream } from './kstream.js'
import { BranchProcessor, PassThroughProcessor } from './processors/stream-stateless.js'

/**
 * The result of `KStream.split()`. Each record goes to the first branch whose predicate matches,
 * else to the default branch (if any). Branch names are `<splitName><branch name or index>`,
 * the keys of the returned map, as Kafka Streams (the default branch's index is 0).
 */
export class BranchedKStream<K, V> {
  private readonly predicates: ((key: K, value: V | null) => boolean)[] = []
  private readonly childNames: string[] = []
  private readonly branches = new Map<string, KStream<K, V>>()
  private finished = false

  constructor(
    private readonly source: KStream<K, V>,
    private readonly splitterName: string,
  ) {
    const predicates = this.predicates
    const childNames = this.childNames
    source.builder.addProcessor(splitterName, () => new BranchProcessor<K, V>(predicates, childNames), source.name)
  }

  branch(predicate: (key: K, value: V | null) => boolean, branched?: Branched<K, V>): this {
    if (typeof predicate !== 'function') throw new TypeError('branch: the predicate must be a function')
    this.checkOpen()
    this.predicates.push(predicate)
    this.createBranch(branched, this.predicates.length)
    return this
  }

  defaultBranch(branched?: Branched<K, V>): Map<string, KStream<K, V>> {
    this.checkOpen()
    this.createBranch(branched, 0)
    this.finished = true
    return this.branches
  }

  noDefaultBranch(): Map<string, KStream<K, V>> {
    this.checkOpen()
    this.finished = true
    return this.branches
  }

  private checkOpen(): void {
    if (this.finished) throw new Error(`split ${this.splitterName} already ended with defaultBranch() or noDefaultBranch()`)
  }

  private createBranch(branched: Branched<K, V> | undefined, index: number): void {
    const childName = this.splitterName + (branched?.name ?? String(index))
    this.childNames.push(childName)
    const source = this.source
    const builder = source.builder
    builder.newProcessorName(childName) // Kafka Streams consumes an index per branch
    builder.addProcessor(childName, () => new PassThroughProcessor(), this.splitterName)
    const stream = new KStream<K, V>(builder, childName, source.keySerde, source.valueSerde, source.sourceNodes, source.repartitionRequired)
    if (branched?.chainFunction) {
      const result = branched.chainFunction(stream)
      if (!branched.isConsumer && result) this.branches.set(childName, result)
    } else {
      this.branches.set(childName, stream)
    }
  }
}
