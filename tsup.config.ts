import { defineConfig, type Options } from 'tsup'

// The published build (dist/). The library entries, one per public subpath, ship as ESM (.js) and
// CommonJS (.cjs) with declarations (.d.ts / .d.cts) and source maps. The CLI ships as ESM only
// (bin/kstreams.mjs imports it), so it may use top-level await. Dependencies stay external.
const common: Options = {
  outDir: 'dist',
  target: 'node20',
  platform: 'node',
  tsconfig: 'tsconfig.build.json',
  // Maps carry line mappings (stack traces under --enable-source-maps name lib/…ts lines) but not
  // the sources themselves, which would double the tarball.
  sourcemap: true,
  esbuildOptions(options) {
    options.sourcesContent = false
  },
  treeshake: false,
}

export default defineConfig([
  {
    ...common,
    entry: {
      index: 'lib/index.ts',
      testing: 'lib/testing.ts',
      broker: 'broker/index.ts',
      kafkajs: 'lib/kafkajs.ts',
    },
    format: ['esm', 'cjs'],
    dts: true,
    // Shared code goes in chunks in both formats, so `kstreams` and `kstreams/testing` share one
    // copy of each class (instanceof and module state agree across entries).
    splitting: true,
    // import.meta.url (createRequire of native and CommonJS modules) in the CommonJS build.
    shims: true,
  },
  { ...common, entry: { cli: 'bin/kstreams.ts' }, format: ['esm'], dts: false },
])
