import type { DescribeGroupsRequest, DescribeGroupsResponse } from '../../../protocol/messages/describe-groups.js'
import type { Handler } from '../context.js'

const UNKNOWN_AUTHORIZED = -2147483648

export const describeGroups: Handler<DescribeGroupsRequest, DescribeGroupsResponse> = (body, broker) => ({
  throttleTimeMs: 0,
  groups: body.groups.map((id) => ({ ...broker.groups.describe(id), authorizedOperations: UNKNOWN_AUTHORIZED })),
})
