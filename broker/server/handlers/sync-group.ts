import type { SyncGroupRequest, SyncGroupResponse } from '../../../protocol/messages/sync-group.js'
import type { Handler } from '../context.js'

export const syncGroup: Handler<SyncGroupRequest, SyncGroupResponse> = (body, broker) =>
  broker.groups.syncGroup({
    groupId: body.groupId,
    generationId: body.generationId,
    memberId: body.memberId,
    protocolType: body.protocolType,
    protocolName: body.protocolName,
    assignments: body.assignments.map((a) => ({ memberId: a.memberId, assignment: Buffer.from(a.assignment ?? []) })),
  })
