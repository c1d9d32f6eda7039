import type { Handler } from '../context.js'

export const deleteGroups: Handler = (body, broker) => ({
  throttleTimeMs: 0,
  results: (body.groupsNames as string[]).map((groupId) => ({ groupId, errorCode: broker.groups.deleteGroup(groupId) })),
})
