import type { JoinGroupRequest, JoinGroupResponse } from '../../../protocol/messages/join-group.js'
import type { Handler } from '../context.js'

export const joinGroup: Handler<JoinGroupRequest, JoinGroupResponse> = (body, broker, { header, clientHost }) =>
  broker.groups.joinGroup(
    {
      groupId: body.groupId,
      sessionTimeoutMs: body.sessionTimeoutMs,
      rebalanceTimeoutMs: body.rebalanceTimeoutMs,
      memberId: body.memberId ?? '',
      groupInstanceId: body.groupInstanceId ?? null,
      protocolType: body.protocolType,
      // Copied: metadata outlives the request frame it arrived in.
      protocols: body.protocols.map((p) => ({ name: p.name, metadata: Buffer.from(p.metadata ?? []) })),
    },
    header.apiVersion,
    header.clientId ?? '',
    clientHost,
  )
