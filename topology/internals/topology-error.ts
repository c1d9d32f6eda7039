/** Raised for an invalid topology: duplicate names, unknown parents or stores, bad wiring. */
export class TopologyError extends Error {
  override readonly name = 'TopologyError'
}
