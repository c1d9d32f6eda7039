/**
 * Compression of a batch's records region. gzip uses node:zlib; the other codecs come in a later step.
 */
import { gunzipSync, gzipSync } from 'node:zlib'
import { COMPRESSION_NAMES, Compression } from './layout.js'
import { CompressionUnavailableError } from './errors.js'

export function compress(codec: number, data: Buffer): Buffer {
  switch (codec) {
    case Compression.NONE: return data
    case Compression.GZIP: return gzipSync(data)
    default: throw unavailable(codec)
  }
}

export function decompress(codec: number, data: Buffer): Buffer {
  switch (codec) {
    case Compression.NONE: return data
    case Compression.GZIP: return gunzipSync(data)
    default: throw unavailable(codec)
  }
}

function unavailable(codec: number): CompressionUnavailableError {
  const name = COMPRESSION_NAMES[codec]
  return name ? new CompressionUnavailableError(name, 'not supported yet') : new CompressionUnavailableError(`id ${codec}`, 'unknown codec id (Kafka knows 0-4)')
}
