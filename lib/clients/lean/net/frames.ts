/**
 * Splits a byte stream into size-prefixed Kafka frames. A frame that arrived in one chunk is
 * handed on as a subarray of it (no copy); one spread over several chunks is joined once.
 */
export class FrameReader {
  private chunks: Buffer[] = []
  private bytes = 0
  /** Size of the frame being read, prefix included; -1 while the prefix is incomplete. */
  private need = -1

  constructor(private readonly onFrame: (frame: Buffer) => void) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk)
    this.bytes += chunk.length
    for (;;) {
      if (this.need < 0) {
        if (this.bytes < 4) return
        if (this.chunks[0]!.length < 4) this.join()
        this.need = 4 + this.chunks[0]!.readInt32BE(0)
      }
      if (this.bytes < this.need) return
      const all = this.chunks.length === 1 ? this.chunks[0]! : this.join()
      const frame = all.subarray(4, this.need)
      const rest = all.subarray(this.need)
      this.chunks = rest.length > 0 ? [rest] : []
      this.bytes = rest.length
      this.need = -1
      this.onFrame(frame)
    }
  }

  reset(): void {
    this.chunks = []
    this.bytes = 0
    this.need = -1
  }

  private join(): Buffer {
    const all = Buffer.concat(this.chunks, this.bytes)
    this.chunks = [all]
    return all
  }
}
