import type { DeleteGroupsRequest, DeleteGroupsResponse } from '../../../protocol/messages/delete-groups.js'
import type { Handler } from '../context.js'

export const deleteGroups: Handler<DeleteGroupsRequest, DeleteGroupsResponse> = (body, broker) => ({
  throttleTimeMs: 0,
  results: body.groupsNames.map((groupId) => ({ groupId, errorCode: broker.groups.deleteGroup(groupId) })),
})
