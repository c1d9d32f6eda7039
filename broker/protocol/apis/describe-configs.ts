import { api, arr, f } from '../schema.js'

export const DescribeConfigs = api({
  key: 32, name: 'DescribeConfigs', versions: '0-4', flexible: 4,
  request: [
    arr('resources', [f('resourceType', 'int8'), f('resourceName', 'string'), f('configurationKeys', '[]string')]),
    f('includeSynonyms', 'bool', '1+'),
    f('includeDocumentation', 'bool', '3+'),
  ],
  response: [
    f('throttleTimeMs', 'int32'),
    arr('results', [
      f('errorCode', 'int16'),
      f('errorMessage', 'string'),
      f('resourceType', 'int8'),
      f('resourceName', 'string'),
      arr('configs', [
        f('name', 'string'),
        f('value', 'string'),
        f('readOnly', 'bool'),
        f('isDefault', 'bool', '0'),
        f('configSource', 'int8', '1+'),
        f('isSensitive', 'bool'),
        arr('synonyms', [f('name', 'string'), f('value', 'string'), f('source', 'int8')], '1+'),
        f('configType', 'int8', '3+'),
        f('documentation', 'string', '3+'),
      ]),
    ]),
  ],
})
