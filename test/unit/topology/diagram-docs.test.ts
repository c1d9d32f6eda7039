import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { Consumed, Grouped, JoinWindows, Materialized, Produced, Serdes, StreamJoined, StreamsBuilder, renderAscii, renderMermaid } from '../../../lib/index.js'

// docs/diagrams.md shows real renderer output: rebuild its topologies and find the output in it.

const doc = readFileSync(new URL('../../../docs/diagrams.md', import.meta.url), 'utf8')

function expectRendered(topology: ReturnType<StreamsBuilder['build']>): void {
  expect(doc).toContain('```mermaid\n' + renderMermaid(topology) + '```')
  expect(doc).toContain('```text\n' + renderAscii(topology) + '```')
}

describe('docs/diagrams.md', () => {
  it('shows the word count as the renderers draw it', () => {
    const builder = new StreamsBuilder()
    builder
      .stream('text-lines', Consumed.with(Serdes.String(), Serdes.String()))
      .flatMapValues((line) => (line ?? '').toLowerCase().split(/\W+/))
      .groupBy((_key, word) => word, Grouped.with(Serdes.String(), Serdes.String()))
      .count(Materialized.as<string, number>('counts'))
      .toStream()
      .to('word-counts', Produced.with(Serdes.String(), Serdes.Long()))
    expectRendered(builder.build())
  })

  it('shows the windowed join as the renderers draw it', () => {
    const builder = new StreamsBuilder()
    const clicks = builder.stream('clicks', Consumed.with(Serdes.String(), Serdes.String())).selectKey((_k, page) => page)
    const views = builder.stream('page-views', Consumed.with(Serdes.String(), Serdes.String()))
    clicks
      .join(views, (click, view) => `${click} after ${view}`, JoinWindows.ofTimeDifferenceWithNoGrace(60_000),
        StreamJoined.with(Serdes.String(), Serdes.String(), Serdes.String()))
      .to('clicks-after-views', Produced.with(Serdes.String(), Serdes.String()))
    expectRendered(builder.build())
  })
})
