import type { Message } from '../../protocol/codec.js'
import type { Handler } from '../context.js'

export const syncGroup: Handler = (body, broker) =>
  broker.groups.syncGroup({
    groupId: body.groupId,
    generationId: body.generationId,
    memberId: body.memberId,
    protocolType: body.protocolType,
    protocolName: body.protocolName,
    assignments: (body.assignments as Message[]).map((a) => ({ memberId: a.memberId, assignment: Buffer.from(a.assignment ?? []) })),
  })
