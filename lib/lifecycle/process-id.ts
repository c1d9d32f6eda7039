import { randomUUID } from 'node:crypto'
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Logger } from '../config/types.js'

/** Kafka Streams' file name in `<state.dir>/<application.id>/` (StateDirectory.initializeProcessId). */
export const PROCESS_METADATA_FILE = 'kafka-streams-process-metadata'
/** Which live process uses the application's state directory (its pid). */
const OWNER_FILE = 'kafka-streams-process-owner'
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** Application state directories used by live instances of this process. */
const claimedHere = new Set<string>()

/** The process id of an instance, and how it gives its state directory up when it closes. */
export interface ProcessIdClaim {
  processId: string
  release(): Promise<void>
}

/**
 * The instance's process id, kept in its application state directory as Kafka Streams does: an
 * instance restarted on the same directory (after a crash too) has the same id, so its thread
 * producers have the same transactional ids (`<applicationId>-<processId>-<n>`) and their
 * InitProducerId aborts the predecessor's open transaction at once instead of after the
 * transaction timeout; the assignor also recognises the returning client.
 *
 * A missing file gets a new id, written for the next start. A file that cannot be read as one
 * is replaced (a warning, never a failure). A directory another live instance uses (in this
 * process, or another live process by the owner file) keeps its file: this instance takes a fresh
 * id of its own, with a warning, so two live instances never share transactional ids.
 */
export async function claimProcessId(appDir: string, logger: Logger): Promise<ProcessIdClaim> {
  const unshared = (why: string): ProcessIdClaim => {
    const processId = randomUUID()
    logger.warn({ stateDir: appDir, processId }, `State directory ${appDir} is in use by ${why}; this instance runs under a new process id ${processId}. Give each instance its own stateDir`)
    return { processId, release: async () => {} }
  }
  if (claimedHere.has(appDir)) return unshared('another KafkaStreams instance of this process')
  claimedHere.add(appDir)
  try {
    const owner = await liveOwner(appDir)
    if (owner !== null) {
      claimedHere.delete(appDir)
      return unshared(`the live process ${owner}`)
    }
    await mkdir(appDir, { recursive: true })
    await writeAtomically(join(appDir, OWNER_FILE), String(process.pid))
    const processId = (await readProcessId(appDir, logger)) ?? randomUUID()
    await writeAtomically(join(appDir, PROCESS_METADATA_FILE), JSON.stringify({ processId }))
    let released = false
    return {
      processId,
      release: async () => {
        if (released) return
        released = true
        claimedHere.delete(appDir)
        await rm(join(appDir, OWNER_FILE), { force: true }).catch(() => {})
      },
    }
  } catch (err) {
    claimedHere.delete(appDir)
    throw err
  }
}

async function readProcessId(appDir: string, logger: Logger): Promise<string | null> {
  const path = join(appDir, PROCESS_METADATA_FILE)
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
    logger.warn({ err, path }, `Could not read the process metadata file ${path}; using a new process id`)
    return null
  }
  try {
    const parsed = JSON.parse(text) as { processId?: unknown }
    if (typeof parsed?.processId === 'string' && UUID.test(parsed.processId)) return parsed.processId
  } catch {
    // reported below
  }
  logger.warn({ path }, `The process metadata file ${path} holds no valid process id; replacing it with a new one`)
  return null
}

/** The pid in the owner file when that process is alive and not this one. */
async function liveOwner(appDir: string): Promise<number | null> {
  let pid: number
  try {
    pid = Number.parseInt(await readFile(join(appDir, OWNER_FILE), 'utf8'), 10)
  } catch {
    return null
  }
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return null
  try {
    process.kill(pid, 0)
    return pid
  } catch (err) {
    // EPERM: the process exists under another user
    return (err as NodeJS.ErrnoException).code === 'EPERM' ? pid : null
  }
}

async function writeAtomically(path: string, content: string): Promise<void> {
  const tmp = `${path}.tmp`
  await writeFile(tmp, content)
  await rename(tmp, path)
}
