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
  compress(input: Uint8Array): Promise<Buffer>
  uncompress(input: Uint8Array, options?: { asBuffer?: boolean }): Promise<string | Buffer>
}
interface Lz4Module {
  compressFrameSync(input: Buffer): Buffer
  decompressFrameSync(input: Buffer): Buffer
  compressFrame(input: Buffer): Promise<Buffer>
  decompressFrame(input: Buffer): Promise<Buffer>
}
type ZlibCallback = (err: Error | null, out: Buffer) => void
interface ZstdZlib {
  zstdCompressSync?(input: Buffer): Buffer
  zstdDecompressSync?(input: Buffer): Buffer
  zstdCompress?(input: Buffer, cb: ZlibCallback): void
  zstdDecompress?(input: Buffer, cb: ZlibCallback): void
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

/**
 * Compresses a records region off the main thread (zlib's and the native codecs' thread pools), for
 * producers that would rather not block the event loop on large batches.
 */
export async function compressAsync(codec: number, data: Buffer): Promise<Buffer> {
  switch (codec) {
    case Compression.NONE: return data
    case Compression.GZIP: return zlibAsync(zlib.gzip, data)
    case Compression.SNAPPY: {
      const s = snappyModule()
      return xerialFrame(await Promise.all(xerialChunks(data).map((c) => s.compress(c))))
    }
    case Compression.LZ4: return lz4Module().compressFrame(data)
    case Compression.ZSTD: return zlibAsync(zstd().zstdCompress!, data)
    default: throw unknownCodec(codec)
  }
}

/** Decompresses a records region off the main thread into one buffer. */
export async function decompressAsync(codec: number, data: Buffer): Promise<Buffer> {
  switch (codec) {
    case Compression.NONE: return data
    case Compression.GZIP: return zlibAsync(zlib.gunzip, data)
    case Compression.SNAPPY: {
      const s = snappyModule()
      const blocks = xerialBlocks(data)
      if (blocks === null) return (await s.uncompress(data, { asBuffer: true })) as Buffer
      const out = (await Promise.all(blocks.map((b) => s.uncompress(b, { asBuffer: true })))) as Buffer[]
      return out.length === 1 ? out[0] : Buffer.concat(out)
    }
    case Compression.LZ4: return lz4Module().decompressFrame(data)
    case Compression.ZSTD: return zlibAsync(zstd().zstdDecompress!, data)
    default: throw unknownCodec(codec)
  }
}

function zlibAsync(fn: (input: Buffer, cb: ZlibCallback) => void, data: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => fn(data, (err, out) => (err ? reject(err) : resolve(out))))
}

function xerialSnappyCompress(data: Buffer): Buffer {
  const s = snappyModule()
  return xerialFrame(xerialChunks(data).map((c) => s.compressSync(c)))
}

function snappyDecompress(data: Buffer): Buffer {
  const s = snappyModule()
  const blocks = xerialBlocks(data)
  if (blocks === null) return s.uncompressSync(data, { asBuffer: true }) as Buffer
  const out = blocks.map((b) => s.uncompressSync(b, { asBuffer: true }) as Buffer)
  return out.length === 1 ? out[0] : Buffer.concat(out)
}

/** The uncompressed data in xerial's 32 KiB blocks. */
function xerialChunks(data: Buffer): Buffer[] {
  const chunks: Buffer[] = []
  for (let pos = 0; pos < data.length; pos += XERIAL_BLOCK_SIZE) chunks.push(data.subarray(pos, Math.min(pos + XERIAL_BLOCK_SIZE, data.length)))
  return chunks
}

/** The xerial header, then each compressed block after its int32 length. */
function xerialFrame(blocks: Buffer[]): Buffer {
  const parts: Buffer[] = [XERIAL_HEADER]
  for (const block of blocks) {
    const length = Buffer.allocUnsafe(4)
    length.writeInt32BE(block.length, 0)
    parts.push(length, block)
  }
  return Buffer.concat(parts)
}

/** The compressed blocks of xerial-framed data, or null when the data is one raw snappy block. */
function xerialBlocks(data: Buffer): Buffer[] | null {
  const framed = data.length >= XERIAL_HEADER.length && data.compare(XERIAL_HEADER, 0, XERIAL_MAGIC_LENGTH, 0, XERIAL_MAGIC_LENGTH) === 0
  if (!framed) return null
  const blocks: Buffer[] = []
  let pos = XERIAL_HEADER.length
  while (pos < data.length) {
    if (pos + 4 > data.length) throw new RangeError(`xerial snappy block length truncated at byte ${pos}`)
    const length = data.readInt32BE(pos)
    pos += 4
    if (length < 0 || pos + length > data.length) throw new RangeError(`xerial snappy block of ${length} bytes at byte ${pos} runs past the data`)
    blocks.push(data.subarray(pos, pos + length))
    pos += length
  }
  return blocks
}

function snappyModule(): SnappyModule {
  return (snappy ??= loadOptional<SnappyModule>('snappy', 'snappy'))
}

function lz4Module(): Lz4Module {
  return (lz4 ??= loadOptional<Lz4Module>('lz4', 'lz4-napi'))
}

function zstd(): ZstdZlib {
  const z = zlib as unknown as ZstdZlib
  if (typeof z.zstdCompressSync !== 'function' || typeof z.zstdDecompressSync !== 'function' || typeof z.zstdCompress !== 'function') {
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
