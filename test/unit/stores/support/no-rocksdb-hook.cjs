// Preloaded with --require: the packages named in NO_ROCKSDB (comma-separated; default
// rocksdb-native) fail to load, as on a platform without a prebuild, so a test can show what
// still works.
const Module = require('node:module')
const load = Module._load
const blocked = (process.env.NO_ROCKSDB ?? 'rocksdb-native').split(',').filter(Boolean)
Module._load = function (request, ...rest) {
  if (blocked.includes(request.split('/')[0])) {
    throw new Error(`No native build was found for platform=${process.platform} arch=${process.arch} (${request})`)
  }
  return load.call(this, request, ...rest)
}
