import type { LeaveGroupRequest, LeaveGroupResponse } from '../../../protocol/messages/leave-group.js'
import type { Handler } from '../context.js'

// v0-2 name one member; v3+ a batch, answered per member.
export const leaveGroup: Handler<LeaveGroupRequest, LeaveGroupResponse> = (body, broker, { header }) => {
  const members = header.apiVersion >= 3
    ? (body.members ?? []).map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId }))
    : [{ memberId: body.memberId ?? '' }]
  const r = broker.groups.leaveGroup(body.groupId, members)
  // Batched leaves (v3+) report errors per member; the top-level code stays NONE, as in Kafka.
  return { throttleTimeMs: 0, errorCode: header.apiVersion >= 3 ? 0 : r.errorCode, members: r.members }
}
