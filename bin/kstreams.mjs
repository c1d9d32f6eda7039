#!/usr/bin/env node
// Entry of the `kstreams` command. The published package runs the compiled CLI in dist/ with plain
// node. A source checkout (bin/kstreams.ts beside this file; it is not published) runs the
// TypeScript sources through tsx, a devDependency there, so the CLI never runs a stale build.
import { existsSync } from 'node:fs'

const source = new URL('./kstreams.ts', import.meta.url)
if (existsSync(source)) {
  const { register } = await import('tsx/esm/api')
  register()
  await import(source.href)
} else {
  await import('../dist/cli.js')
}
