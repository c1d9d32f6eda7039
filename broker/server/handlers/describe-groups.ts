import type { Handler } from '../context.js'

const UNKNOWN_AUTHORIZED = -2147483648

export const describeGroups: Handler = (body, broker) => ({
  throttleTimeMs: 0,
  groups: (body.groups as string[]).map((id) => ({ ...broker.groups.describe(id), authorizedOperations: UNKNOWN_AUTHORIZED })),
})
