/**
 * Compression of a batch's records region, in the formats Kafka's Java client writes:
 * - gzip: node:zlib.
 * - snappy: the `snappy` package, in xerial's SnappyOutputStream framing (a 16-byte header, then
 *   blocks of up to 32 KiB, each an int32 length and a raw snappy block). Reading also accepts one
 *   raw snappy block, as xerial's SnappyInputStream (Kafka's reader) and librdkafka do.
 * - lz4: the `lz4-napi` package, LZ4 frame format with independent blocks. Since KIP-57 (magic 1+)
 *   the frame descriptor checksum is the standard one, so standard frames are read and written as is.
 * - zstd: node:zlib where the running Node has it (22.15+, 23.8+).
 * The optional packages load on first use, so a process that never meets the codec never needs them.
 */
import { createRequire } from 'node:module'
import * as zlib from 'node:zlib'
import { COMPRESSION_NAMES, Compression } from './layout.js'
import { CompressionUnavailableError } from './errors.js'

interface SnappyModule {
  compressSync(input: Uint8Array): Buffer
  uncompressSync(input: Uint8Array, options?: { asBuffer?: boolean }): string | Buffer
}
interface Lz4Module {
  compressFrameSync(input: Buffer): Buffer
  decompressFrameSync(input: Buffer): Buffer
}
interface ZstdZlib {
  zstdCompressSync?(input: Buffer): Buffer
  zstdDecompressSync?(input: Buffer): Buffer
}

const require = createRequire(import.meta.url)
let snappy: SnappyModule | undefined
let lz4: Lz4Module | undefined

/** Compresses a records region with the batch's codec. */
export function compress(codec: number, data: Buffer): Buffer {
  switch (codec) {
    case Compression.NONE: return data
    case Compression.GZIP: return zlib.gzipSync(data)
    case Compression.SNAPPY: return xerialSnappyCompress(data)
    case Compression.LZ4: return lz4Module().compressFrameSync(data)
    case Compression.ZSTD: return zstd().zstdCompressSync!(data)
    default: throw unknownCodec(codec)
  }
}

/** Decompresses a records region into one buffer. */
export function decompress(codec: number, data: Buffer): Buffer {
  switch (codec) {
    case Compression.NONE: return data
    case Compression.GZIP: return zlib.gunzipSync(data)
    case Compression.SNAPPY: return snappyDecompress(data)
    case Compression.LZ4: return lz4Module().decompressFrameSync(data)
    case Compression.ZSTD: return zstd().zstdDecompressSync!(data)
    default: throw unknownCodec(codec)
  }
}

/** xerial's SnappyCodec header: magic (0x82 "SNAPPY" 0), version 1, minimum compatible version 1. */
export const XERIAL_HEADER = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00, 0, 0, 0, 1, 0, 0, 0, 1])
const XERIAL_MAGIC_LENGTH = 8
const XERIAL_BLOCK_SIZE = 32 * 1024

function xerialSnappyCompress(data: Buffer): Buffer {
  const s = snappyModule()
  const parts: Buffer[] = [XERIAL_HEADER]
  for (let pos = 0; pos < data.length; pos += XERIAL_BLOCK_SIZE) {
    const block = s.compressSync(data.subarray(pos, Math.min(pos + XERIAL_BLOCK_SIZE, data.length)))
    const length = Buffer.allocUnsafe(4)
    length.writeInt32BE(block.length, 0)
    parts.push(length, block)
  }
  return Buffer.concat(parts)
}

function snappyDecompress(data: Buffer): Buffer {
  const s = snappyModule()
  const framed = data.length >= XERIAL_HEADER.length && data.compare(XERIAL_HEADER, 0, XERIAL_MAGIC_LENGTH, 0, XERIAL_MAGIC_LENGTH) === 0
  if (!framed) return s.uncompressSync(data, { asBuffer: true }) as Buffer
  const blocks: Buffer[] = []
  let pos = XERIAL_HEADER.length
  while (pos < data.length) {
    if (pos + 4 > data.length) throw new RangeError(`xerial snappy block length truncated at byte ${pos}`)
    const length = data.readInt32BE(pos)
    pos += 4
    if (length < 0 || pos + length > data.length) throw new RangeError(`xerial snappy block of ${length} bytes at byte ${pos} runs past the data`)
    blocks.push(s.uncompressSync(data.subarray(pos, pos + length), { asBuffer: true }) as Buffer)
    pos += length
  }
  return blocks.length === 1 ? blocks[0] : Buffer.concat(blocks)
}

function snappyModule(): SnappyModule {
  return (snappy ??= loadOptional<SnappyModule>('snappy', 'snappy'))
}

function lz4Module(): Lz4Module {
  return (lz4 ??= loadOptional<Lz4Module>('lz4', 'lz4-napi'))
}

function zstd(): ZstdZlib {
  const z = zlib as unknown as ZstdZlib
  if (typeof z.zstdCompressSync !== 'function' || typeof z.zstdDecompressSync !== 'function') {
    throw new CompressionUnavailableError('zstd', `node:zlib has zstd from Node 22.15 and 23.8; this is Node ${process.version}`)
  }
  return z
}

/** Loads an optional codec package (exported for tests of the missing-package error). */
export function loadOptional<T>(codec: string, pkg: string): T {
  try {
    return require(pkg) as T
  } catch (err) {
    throw new CompressionUnavailableError(codec, `install the optional package "${pkg}" (npm install ${pkg}): ${(err as Error).message}`)
  }
}

function unknownCodec(codec: number): CompressionUnavailableError {
  const name = COMPRESSION_NAMES[codec]
  return new CompressionUnavailableError(name ?? `id ${codec}`, 'unknown codec id (Kafka knows 0 to 4)')
}
