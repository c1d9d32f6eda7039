import { ErrorCode } from '../../protocol/errors.js'
import type { Handler } from '../context.js'

// The broker listens in plaintext without authentication: no SASL mechanism is enabled.
export const saslHandshake: Handler = () => ({ errorCode: ErrorCode.UNSUPPORTED_SASL_MECHANISM, mechanisms: [] })
