import { ErrorCode } from '../../../protocol/errors.js'
import type { FindCoordinatorRequest, FindCoordinatorResponse } from '../../../protocol/messages/find-coordinator.js'
import type { Handler } from '../context.js'

// Group (0) and transaction (1) coordinators are all this broker.
export const findCoordinator: Handler<FindCoordinatorRequest, FindCoordinatorResponse> = (body, broker, { header }) => {
  const keyType = body.keyType ?? 0
  const errorCode = keyType === 0 || keyType === 1 ? 0 : ErrorCode.INVALID_REQUEST
  const errorMessage = errorCode ? `unknown coordinator key type ${keyType}` : null
  if (header.apiVersion >= 4) {
    return {
      throttleTimeMs: 0,
      coordinators: (body.coordinatorKeys ?? []).map((key) => ({
        key, nodeId: errorCode ? -1 : broker.nodeId, host: errorCode ? '' : broker.host, port: errorCode ? -1 : broker.port,
        errorCode, errorMessage,
      })),
    }
  }
  return {
    throttleTimeMs: 0, errorCode, errorMessage,
    nodeId: errorCode ? -1 : broker.nodeId, host: errorCode ? '' : broker.host, port: errorCode ? -1 : broker.port,
  }
}
