#!/usr/bin/env node
// Entry of the `kstreams` command: loads the TypeScript CLI through tsx.
import { register } from 'tsx/esm/api'

register()
await import('./kstreams.ts')
