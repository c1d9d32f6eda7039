import { api, arr, f } from '../schema.js'

export const ApiVersions = api({
  key: 18, name: 'ApiVersions', versions: '0-3', flexible: 3,
  request: [
    f('clientSoftwareName', 'string', '3+'),
    f('clientSoftwareVersion', 'string', '3+'),
  ],
  response: [
    f('errorCode', 'int16'),
    arr('apiKeys', [f('apiKey', 'int16'), f('minVersion', 'int16'), f('maxVersion', 'int16')]),
    f('throttleTimeMs', 'int32', '1+'),
    arr('supportedFeatures', [f('name', 'string'), f('minVersion', 'int16'), f('maxVersion', 'int16')], '3+', 0),
    f('finalizedFeaturesEpoch', 'int64', '3+', 1),
    arr('finalizedFeatures', [f('name', 'string'), f('maxVersionLevel', 'int16'), f('minVersionLevel', 'int16')], '3+', 2),
    f('zkMigrationReady', 'bool', '3+', 3),
  ],
})
