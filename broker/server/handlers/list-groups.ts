import type { ListGroupsRequest, ListGroupsResponse } from '../../../protocol/messages/list-groups.js'
import type { Handler } from '../context.js'

export const listGroups: Handler<ListGroupsRequest, ListGroupsResponse> = (body, broker) => {
  const filter = (body.statesFilter ?? []).map((s) => s.toLowerCase())
  const groups = broker.groups.list().filter((g) => filter.length === 0 || filter.includes(g.groupState.toLowerCase()))
  return { throttleTimeMs: 0, errorCode: 0, groups }
}
