// Table processors exchange Change values (topology/dsl/change.ts); windowed results and joins use the same shape.
export type { Change as TableChange } from '../dsl/change.js'
