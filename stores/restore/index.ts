// Restoring stores from their changelogs (re-exported through stores/index.ts where public).
export { StateRestorer, restoreFrom, type StateRestorerOptions } from './state-restorer.js'
export { compositeRestoreListener, type StateRestoreListener } from './state-restore-listener.js'
