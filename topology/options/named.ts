/** Names a processor; names must be unique in a topology. */
export class Named {
  protected constructor(readonly name: string | null) {}
  static as(name: string): Named {
    return new Named(validateName(name, 'Named.as'))
  }
}

const LEGAL_NAME = /^[a-zA-Z0-9._-]+$/

/** Kafka Streams accepts names made of ASCII alphanumerics, '.', '_' and '-' (they become topic names). */
export function validateName(name: string, where: string): string {
  if (typeof name !== 'string' || name.length === 0) throw new TypeError(`${where}: name must be a non-empty string`)
  if (name.length > 249) throw new TypeError(`${where}: name "${name.slice(0, 40)}..." is longer than 249 characters`)
  if (!LEGAL_NAME.test(name)) {
    throw new TypeError(`${where}: name "${name}" is illegal; use ASCII alphanumerics, '.', '_' and '-'`)
  }
  return name
}
