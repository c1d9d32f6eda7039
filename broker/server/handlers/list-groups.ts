import type { ListGroupsRequest, ListGroupsResponse } from '../../../protocol/messages/list-groups.js'
import type { Handler } from '../context.js'

/** Every group of this broker uses the classic protocol (KIP-848's `consumer` groups are not implemented). */
const GROUP_TYPE = 'classic'

// v4+ filters by state, v5+ by group type (case-insensitive, as Kafka parses them).
export const listGroups: Handler<ListGroupsRequest, ListGroupsResponse> = (body, broker) => {
  const states = (body.statesFilter ?? []).map((s) => s.toLowerCase())
  const types = (body.typesFilter ?? []).map((s) => s.toLowerCase())
  const groups = types.length > 0 && !types.includes(GROUP_TYPE)
    ? []
    : broker.groups.list()
      .filter((g) => states.length === 0 || states.includes(g.groupState.toLowerCase()))
      .map((g) => ({ ...g, groupType: GROUP_TYPE }))
  return { throttleTimeMs: 0, errorCode: 0, groups }
}
