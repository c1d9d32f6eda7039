import { api, f } from '../schema.js'

// Answered with UNSUPPORTED_SASL_MECHANISM and no mechanisms: the broker has no authentication.
export const SaslHandshake = api({
  key: 17, name: 'SaslHandshake', versions: '0-1',
  request: [f('mechanism', 'string')],
  response: [f('errorCode', 'int16'), f('mechanisms', '[]string')],
})
