import { describe, expect, it } from 'vitest'
import { ScramExchange } from '../../../../lib/clients/lean/net/sasl/scram.js'

describe('SCRAM client messages', () => {
  it('computes RFC 7677 SCRAM-SHA-256 example', () => {
    const scram = new ScramExchange('sha256', 'user', 'pencil', 'rOprNGfwEbeRWgbNEkqO')
    expect(scram.clientFirst()).toBe('n,,n=user,r=rOprNGfwEbeRWgbNEkqO')
    const final = scram.clientFinal('r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096')
    expect(final).toBe('c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=')
    expect(() => scram.verifyServerFinal('v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=')).not.toThrow()
  })

  it('computes RFC 5802 example (the same steps with SHA-1)', () => {
    const scram = new ScramExchange('sha1', 'user', 'pencil', 'fyko+d2lbbFgONRv9qkxdawL')
    expect(scram.clientFirst()).toBe('n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL')
    expect(scram.clientFinal('r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096'))
      .toBe('c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=')
    scram.verifyServerFinal('v=rmF9pqV8S7suAoZWja4dJRkFsKQ=')
  })

  it('rejects a wrong server signature, a foreign nonce and too few iterations', () => {
    const scram = new ScramExchange('sha256', 'user', 'pencil', 'rOprNGfwEbeRWgbNEkqO')
    scram.clientFinal('r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096')
    expect(() => scram.verifyServerFinal('v=AAAATRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=')).toThrow(/signature does not match/)
    expect(() => scram.verifyServerFinal('e=invalid-proof')).toThrow(/invalid-proof/)
    const other = new ScramExchange('sha256', 'user', 'pencil', 'abc')
    expect(() => other.clientFinal('r=xyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096')).toThrow(/nonce/)
    expect(() => other.clientFinal('r=abcdef,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=100')).toThrow(/iterations/)
  })

  it('escapes , and = in the user name', () => {
    expect(new ScramExchange('sha256', 'a,b=c', 'p', 'n').clientFirst()).toBe('n,,n=a=2Cb=3Dc,r=n')
  })
})
