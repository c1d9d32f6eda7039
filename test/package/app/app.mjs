// A plain-node ESM application: imports the installed package; nothing compiled at run time.
import * as kstreams from 'kstreams'
import * as testing from 'kstreams/testing'
import * as broker from 'kstreams/broker'
import kafkajs from 'kafkajs'
import { createRequire } from 'node:module'

const { run } = createRequire(import.meta.url)('./scenario.cjs')
await run('esm', { kstreams, testing, broker, kafkajs })
