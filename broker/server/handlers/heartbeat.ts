import type { HeartbeatRequest, HeartbeatResponse } from '../../../protocol/messages/heartbeat.js'
import type { Handler } from '../context.js'

export const heartbeat: Handler<HeartbeatRequest, HeartbeatResponse> = (body, broker) => ({ throttleTimeMs: 0, errorCode: broker.groups.heartbeat(body) })
