export type { StreamJoiner } from './stream-stream-join.js'
export type { TableJoiner } from './table-table-join-logic.js'
