// Names that fragments in the docs use without declaring them (a fragment is a block without
// imports: it continues the page's story). Only types matter: the samples are type-checked,
// and the runnable ones are complete programs that never import this file.
import type { KafkaStreams, KStream, KTable, StreamsBuilder, StreamsConfig, Topology, Windowed } from '../../lib/index.js'
// Internal, so not exported by `kstreams`; docs/internals.md shows it in the stores' context.
export type { ThreadCache } from '../../stores/cache/thread-cache.js'

export interface Order { id: string; customerId: string; total: number }
export interface User { name: string; region: string }

export declare const builder: StreamsBuilder
export declare const topology: Topology
export declare function wordCount(): Topology
export declare const orders: KStream<string, Order>
export declare const stream: KStream<string, number>
export declare const counts: KTable<Windowed<string>, number>
export declare const app: KafkaStreams
export declare const config: StreamsConfig
export declare const brokers: string[]
export declare const customers: { fetch(id: string): Promise<User> }
export declare const log: { info(message: string): void }
