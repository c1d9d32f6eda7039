// Errors in the Confluent Schema Registry's wire shape: `{ error_code, message }`, where the
// HTTP status is the error code's first three digits (40401 → 404, 42201 → 422, 409 → 409).

export class RegistryError extends Error {
  readonly errorCode: number
  readonly httpStatus: number

  constructor(errorCode: number, message: string) {
    super(message)
    this.name = 'RegistryError'
    this.errorCode = errorCode
    this.httpStatus = errorCode >= 1000 ? Math.floor(errorCode / 100) : errorCode
  }

  toJSON(): { error_code: number; message: string } {
    return { error_code: this.errorCode, message: this.message }
  }
}

export const subjectNotFound = (subject: string) =>
  new RegistryError(40401, `Subject '${subject}' not found.`)

export const versionNotFound = (subject: string, version: number | string) =>
  new RegistryError(40402, `Version ${version} not found for subject '${subject}'.`)

export const schemaNotFound = (detail = 'Schema not found') => new RegistryError(40403, detail)

export const subjectSoftDeleted = (subject: string) =>
  new RegistryError(40404, `Subject '${subject}' was soft deleted. Set permanent=true to delete permanently`)

export const subjectNotSoftDeleted = (subject: string) =>
  new RegistryError(40405, `Subject '${subject}' was not deleted first before being permanently deleted`)

export const versionSoftDeleted = (subject: string, version: number) =>
  new RegistryError(40406, `Subject '${subject}' Version ${version} was soft deleted. Set permanent=true to delete permanently`)

export const versionNotSoftDeleted = (subject: string, version: number) =>
  new RegistryError(40407, `Subject '${subject}' Version ${version} was not deleted first before being permanently deleted`)

export const subjectCompatibilityNotConfigured = (subject: string) =>
  new RegistryError(40408, `Subject '${subject}' does not have subject-level compatibility configured`)

export const incompatibleSchema = (subject: string, details: string[]) =>
  new RegistryError(
    409,
    `Schema being registered is incompatible with an earlier schema for subject "${subject}", details: [${details.join(', ')}]`,
  )

export const invalidSchema = (detail: string) => new RegistryError(42201, `Invalid schema: ${detail}`)

export const invalidVersion = (version: string) =>
  new RegistryError(
    42202,
    `The specified version '${version}' is not a valid version id. Allowed values are between [1, 2^31-1] and the string "latest"`,
  )

export const invalidCompatibilityLevel = (level: unknown) =>
  new RegistryError(
    42203,
    `Invalid compatibility level ${JSON.stringify(level)}. Valid values are NONE, BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE`,
  )

export const badRequest = (detail: string) => new RegistryError(400, detail)

export const routeNotFound = (method: string, path: string) =>
  new RegistryError(404, `HTTP 404 Not Found: no route for ${method} ${path}`)
