export { errorHeaders } from '../../topology/internals/dead-letter-headers.js'
