// Classifies why RocksDB refused to open a directory, so the caller can tell "rebuild this store
// from its changelog" apart from "another live process owns it" and from plain I/O trouble.

/** Why a store directory could not be opened (StoreOpenError.failure). 'incompatible': written by the `rocksdb` binding of earlier versions, whose Snappy-compressed files this build cannot read */
export type StoreOpenFailure = 'locked-by-this-process' | 'locked-by-other-process' | 'corrupt' | 'incompatible' | 'io'

/**
 * Classifies RocksDB's status text, for errors whose code does not tell (the binding reports
 * corruption, lock conflicts and disk failures all as EIO).
 */
export function classifyOpenMessage(msg: string): StoreOpenFailure {
  if (/lock hold by current process/i.test(msg)) return 'locked-by-this-process'
  // RocksDB's LOCK is an fcntl lock: the kernel drops it when its holder dies, so a refusal
  // always means a live process holds it.
  if (/\/LOCK\b/.test(msg) && /(Resource temporarily unavailable|lock|EAGAIN|EACCES)/i.test(msg)) return 'locked-by-other-process'
  if (/corrupt|No such file|MANIFEST|CURRENT|\.sst\b|\.log\b/i.test(msg)) return 'corrupt'
  return 'io'
}

/** A store directory that cannot be opened and must not be wiped (lock held, I/O failure). */
export class StoreOpenError extends Error {
  constructor(
    readonly storeName: string,
    readonly path: string,
    readonly failure: StoreOpenFailure,
    cause: Error,
  ) {
    super(describe(storeName, path, failure, cause), { cause })
    this.name = 'StoreOpenError'
  }
}

function describe(store: string, path: string, failure: StoreOpenFailure, cause: Error): string {
  switch (failure) {
    case 'locked-by-other-process':
      return `state store '${store}' at ${path} is locked by another live process (RocksDB LOCK file held): ` +
        `is another instance running with the same stateDir? (${cause.message})`
    case 'locked-by-this-process':
      return `state store '${store}' at ${path} is already open in this process: ` +
        `a task owning it was not closed (${cause.message})`
    case 'corrupt':
      return `state store '${store}' at ${path} is corrupt and cannot be opened (${cause.message})`
    case 'incompatible':
      return `state store '${store}' at ${path} was written by an earlier version with the 'rocksdb' binding, ` +
        `whose Snappy-compressed files 'rocksdb-native' cannot read (${cause.message})`
    case 'io':
      return `state store '${store}' at ${path} cannot be opened: ${cause.message}`
  }
}
