/** A subscription or response written by a newer version of the foreign-key join protocol than this one reads. */
export class UnsupportedFkJoinVersionError extends Error {
  override readonly name = 'UnsupportedFkJoinVersionError'
  readonly code = 'FK_JOIN_UNSUPPORTED_VERSION'
  constructor(
    readonly wrapper: 'SubscriptionWrapper' | 'SubscriptionResponseWrapper',
    readonly version: number,
  ) {
    super(`${wrapper} is of an incompatible version (${version}); this foreign-key join reads up to version ${wrapper === 'SubscriptionWrapper' ? 1 : 0}`)
  }
}
