// Preloaded with --require: every RocksDB binding fails to load, as on a platform without a
// prebuild, so a test can show what still works without one.
const Module = require('node:module')
const load = Module._load
Module._load = function (request, ...rest) {
  if (/^rocksdb(-native)?(\/|$)/.test(request)) {
    throw new Error(`No native build was found for platform=${process.platform} arch=${process.arch} (${request})`)
  }
  return load.call(this, request, ...rest)
}
