// Effective topic configs as DescribeConfigs and CreateTopics (v5+) report them.
import { TOPIC_CONFIG_DEFAULTS } from '../../log/topic-config.js'

export const ConfigSource = { DYNAMIC_TOPIC_CONFIG: 1, STATIC_BROKER_CONFIG: 4, DEFAULT_CONFIG: 5 } as const

export interface EffectiveConfig { name: string; value: string; overridden: boolean }

export function effectiveConfigs(overrides: Record<string, string>): EffectiveConfig[] {
  const out: EffectiveConfig[] = []
  for (const [name, value] of Object.entries(TOPIC_CONFIG_DEFAULTS)) {
    out.push(name in overrides ? { name, value: overrides[name]!, overridden: true } : { name, value, overridden: false })
  }
  for (const [name, value] of Object.entries(overrides)) {
    if (!(name in TOPIC_CONFIG_DEFAULTS)) out.push({ name, value, overridden: true })
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
}

/** Config entries of a request (name/value pairs, null values dropped) as a record, last one wins. */
export function configRecord(entries: { name: string; value: string | null }[] | null | undefined): Record<string, string> {
  const out: Record<string, string> = {}
  for (const e of entries ?? []) if (e.value !== null && e.value !== undefined) out[e.name] = e.value
  return out
}
