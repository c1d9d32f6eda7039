// Opens a store's RocksDB directory, recovering from damage: a directory RocksDB reports as
// corrupt (garbage files, missing CURRENT, unreadable MANIFEST) is moved aside and a fresh
// database is created, so the store is rebuilt from its changelog instead of failing the
// application. A LOCK held by a live process is never wiped: it is reported.
//
// Every directory this binding creates holds a marker file. A database without one was written
// by earlier versions through the `rocksdb` binding: rocksdb-native opens it but cannot read its
// Snappy-compressed blocks (the first read fails), so it is rebuilt from its changelog like a
// damaged one — once, on the first start after the upgrade.
import { access, mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { RocksDatabase, type NativeOpenOptions } from './rocks-database.js'
import { StoreOpenError, type StoreOpenFailure } from './open-errors.js'
import { rocksEngine } from './load-engine.js'

export type Warn = (message: string) => void
export const defaultWarn: Warn = (message) => console.warn(`[kstreams] ${message}`)

export interface OpenedStore {
  db: RocksDatabase
  /** the directory held no database before: whatever a checkpoint says about it is void */
  fresh: boolean
  /** a damaged directory was moved aside (to `movedTo`) and replaced by an empty database */
  recovered: boolean
  movedTo?: string
}

export interface OpenStoreOptions {
  storeName: string
  path: string
  native?: NativeOpenOptions
  warn?: Warn
  /** what to do with a corrupt directory; 'move-aside' keeps the newest damaged copy for inspection */
  onCorrupt?: 'move-aside' | 'delete'
}

const CORRUPT_SUFFIX = '.corrupt-'

/** Marks a database directory as written by this binding (RocksDB ignores files it does not own). */
export const BINDING_MARKER = 'KSTREAMS-ROCKSDB-BINDING'

/** The directory opened, but its files are of an earlier binding. */
class IncompatibleFiles extends Error {
  constructor(path: string) {
    super(`no ${BINDING_MARKER} file in ${path}`)
  }
}

/** Why RocksDB refused to open a directory, as the binding in use reports it. */
export function classifyOpenError(err: Error): StoreOpenFailure {
  return rocksEngine().classifyOpenError(err)
}

export async function openStoreDatabase(opts: OpenStoreOptions): Promise<OpenedStore> {
  const { storeName, path } = opts
  const warn = opts.warn ?? defaultWarn
  const fresh = await isEmptyOrMissing(path)
  await mkdir(path, { recursive: true })
  try {
    // never let RocksDB silently create a new database over a directory that has files but no
    // CURRENT: that directory is damaged, not new
    const db = await RocksDatabase.open(path, { ...opts.native, createIfMissing: fresh })
    if (!fresh && !(await hasMarker(path))) {
      await db.close()
      throw new IncompatibleFiles(path)
    }
    if (fresh) await writeMarker(path)
    return { db, fresh, recovered: false }
  } catch (e) {
    const err = e as Error
    const failure = err instanceof IncompatibleFiles ? 'incompatible' : classifyOpenError(err)
    if (failure !== 'corrupt' && failure !== 'incompatible') throw new StoreOpenError(storeName, path, failure, err)
    const movedTo = await discard(path, opts.onCorrupt ?? 'move-aside')
    warn(new StoreOpenError(storeName, path, failure, err).message +
      (movedTo ? `; moved it to ${movedTo}` : '; deleted it') + ' and rebuilding the store from its changelog')
    await mkdir(path, { recursive: true })
    try {
      const db = await RocksDatabase.open(path, { ...opts.native, createIfMissing: true })
      await writeMarker(path)
      return { db, fresh: true, recovered: true, movedTo }
    } catch (again) {
      throw new StoreOpenError(storeName, path, classifyOpenError(again as Error), again as Error)
    }
  }
}

async function hasMarker(path: string): Promise<boolean> {
  try {
    await access(join(path, BINDING_MARKER))
    return true
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false
    throw e
  }
}

function writeMarker(path: string): Promise<void> {
  return writeFile(join(path, BINDING_MARKER), `${rocksEngine().packageName}\n`)
}

async function isEmptyOrMissing(path: string): Promise<boolean> {
  try {
    return (await readdir(path)).length === 0
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return true
    throw e
  }
}

/** Moves (or deletes) a damaged directory; older moved-aside copies of the same store go. */
async function discard(path: string, mode: 'move-aside' | 'delete'): Promise<string | undefined> {
  const parent = dirname(path)
  const prefix = basename(path) + CORRUPT_SUFFIX
  for (const entry of await readdir(parent)) {
    if (entry.startsWith(prefix)) await rm(join(parent, entry), { recursive: true, force: true })
  }
  if (mode === 'delete') {
    await rm(path, { recursive: true, force: true })
    return undefined
  }
  const target = join(parent, prefix + Date.now())
  await rename(path, target)
  return target
}

/** True for directory names this module created for damaged copies (to skip when listing). */
export function isDiscardedCopy(name: string): boolean {
  return name.includes(CORRUPT_SUFFIX)
}
