// bench/results/<name>.json: the figures of the last run, with the machine and the date.
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { machine } from './machine.js'

/** bench/results, or KSTREAMS_BENCH_RESULTS_DIR (trial runs that must not replace the quoted figures). */
export const RESULTS_DIR = process.env.KSTREAMS_BENCH_RESULTS_DIR || join(import.meta.dirname, '..', 'results')

export async function writeResult(name: string, body: Record<string, unknown>): Promise<string> {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) throw new Error(`writeResult: benchmark name must be lower-case letters, digits and dashes, got ${JSON.stringify(name)}`)
  await mkdir(RESULTS_DIR, { recursive: true })
  const file = join(RESULTS_DIR, `${name}.json`)
  await writeFile(file, JSON.stringify({ ...body, machine: machine(), date: new Date().toISOString() }, null, 2) + '\n')
  return file
}
