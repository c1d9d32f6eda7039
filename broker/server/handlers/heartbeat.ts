import type { Handler } from '../context.js'

export const heartbeat: Handler = (body, broker) => ({ throttleTimeMs: 0, errorCode: broker.groups.heartbeat(body as never) })
