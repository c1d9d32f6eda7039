import type { Message } from '../../protocol/codec.js'
import type { Handler } from '../context.js'

export const joinGroup: Handler = (body, broker, { header, clientHost }) =>
  broker.groups.joinGroup(
    {
      groupId: body.groupId,
      sessionTimeoutMs: body.sessionTimeoutMs,
      rebalanceTimeoutMs: body.rebalanceTimeoutMs,
      memberId: body.memberId ?? '',
      groupInstanceId: body.groupInstanceId ?? null,
      protocolType: body.protocolType,
      // Copied: metadata outlives the request frame it arrived in.
      protocols: (body.protocols as Message[]).map((p) => ({ name: p.name, metadata: Buffer.from(p.metadata ?? []) })),
    },
    header.apiVersion,
    header.clientId ?? '',
    clientHost,
  )
