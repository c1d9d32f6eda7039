import { ErrorCode } from '../../../protocol/errors.js'
import type { DescribeGroupsRequest, DescribeGroupsResponse } from '../../../protocol/messages/describe-groups.js'
import type { Handler } from '../context.js'

const UNKNOWN_AUTHORIZED = -2147483648

// From v6 (KIP-1043) a group that does not exist is GROUP_ID_NOT_FOUND; before, a Dead group.
export const describeGroups: Handler<DescribeGroupsRequest, DescribeGroupsResponse> = (body, broker, { header }) => ({
  throttleTimeMs: 0,
  groups: body.groups.map((id) => {
    const group = { ...broker.groups.describe(id), authorizedOperations: UNKNOWN_AUTHORIZED }
    if (header.apiVersion >= 6 && group.groupState === 'Dead') {
      return { ...group, errorCode: ErrorCode.GROUP_ID_NOT_FOUND, errorMessage: `Group ${id} not found.` }
    }
    return group
  }),
})
