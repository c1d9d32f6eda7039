export { EmbeddedSchemaRegistry, type EmbeddedSchemaRegistryOptions } from './EmbeddedSchemaRegistry.js'
export { RegistryError } from './errors.js'
export { COMPATIBILITY_LEVELS, type CompatibilityLevel } from './compatibility.js'
