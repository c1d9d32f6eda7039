import { ErrorCode } from '../../../protocol/errors.js'
import type { SaslHandshakeRequest, SaslHandshakeResponse } from '../../../protocol/messages/sasl-handshake.js'
import type { Handler } from '../context.js'

// The broker listens in plaintext without authentication: no SASL mechanism is enabled.
export const saslHandshake: Handler<SaslHandshakeRequest, SaslHandshakeResponse> = () => ({ errorCode: ErrorCode.UNSUPPORTED_SASL_MECHANISM, mechanisms: [] })
