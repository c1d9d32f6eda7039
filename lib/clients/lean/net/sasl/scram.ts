import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto'

export type ScramHash = 'sha1' | 'sha256' | 'sha512'

const KEY_LENGTH: Record<ScramHash, number> = { sha1: 20, sha256: 32, sha512: 64 }
/** Kafka refuses fewer (and so should a client: a low count would be an attacker's downgrade). */
const MIN_ITERATIONS = 4096

/** RFC 5802's saslname: ',' and '=' escaped. */
function saslName(name: string): string {
  return name.replace(/=/g, '=3D').replace(/,/g, '=2C')
}

function attributes(message: string): Map<string, string> {
  const out = new Map<string, string>()
  for (const part of message.split(',')) {
    const eq = part.indexOf('=')
    if (eq === 1) out.set(part[0]!, part.slice(2))
  }
  return out
}

/**
 * The client side of one SCRAM exchange (RFC 5802, SCRAM-SHA-256/512 per RFC 7677): the client's
 * first message, its final message with the proof computed from the server's first message, and
 * the check of the server's signature.
 */
export class ScramExchange {
  private readonly firstBare: string
  private serverSignature: Buffer | null = null

  constructor(
    private readonly hash: ScramHash,
    username: string,
    private readonly password: string,
    private readonly clientNonce = randomBytes(24).toString('base64'),
  ) {
    this.firstBare = `n=${saslName(username)},r=${clientNonce}`
  }

  clientFirst(): string {
    return `n,,${this.firstBare}`
  }

  /** The client's final message for the server's first one. */
  clientFinal(serverFirst: string): string {
    const attrs = attributes(serverFirst)
    const nonce = attrs.get('r')
    const salt = attrs.get('s')
    const iterations = Number(attrs.get('i'))
    if (!nonce || !salt || !Number.isInteger(iterations)) throw new Error(`SCRAM: malformed server-first message ${JSON.stringify(serverFirst)}`)
    if (!nonce.startsWith(this.clientNonce)) throw new Error('SCRAM: the server nonce does not extend the client nonce')
    if (iterations < MIN_ITERATIONS) throw new Error(`SCRAM: ${iterations} iterations are fewer than the minimum ${MIN_ITERATIONS}`)
    const salted = pbkdf2Sync(this.password, Buffer.from(salt, 'base64'), iterations, KEY_LENGTH[this.hash], this.hash)
    const clientKey = this.hmac(salted, 'Client Key')
    const storedKey = createHash(this.hash).update(clientKey).digest()
    const withoutProof = `c=biws,r=${nonce}`
    const authMessage = `${this.firstBare},${serverFirst},${withoutProof}`
    const signature = this.hmac(storedKey, authMessage)
    const proof = Buffer.alloc(clientKey.length)
    for (let i = 0; i < proof.length; i++) proof[i] = clientKey[i]! ^ signature[i]!
    this.serverSignature = this.hmac(this.hmac(salted, 'Server Key'), authMessage)
    return `${withoutProof},p=${proof.toString('base64')}`
  }

  /** Throws unless the server proved it knows the password too. */
  verifyServerFinal(serverFinal: string): void {
    const attrs = attributes(serverFinal)
    const error = attrs.get('e')
    if (error) throw new Error(`SCRAM: the server refused: ${error}`)
    const v = attrs.get('v')
    const expected = this.serverSignature
    if (!v || !expected) throw new Error('SCRAM: no server signature')
    const got = Buffer.from(v, 'base64')
    if (got.length !== expected.length || !timingSafeEqual(got, expected)) throw new Error('SCRAM: the server signature does not match')
  }

  private hmac(key: Buffer, data: string): Buffer {
    return createHmac(this.hash, key).update(data).digest()
  }
}
