export class MissingSourceTopicsError extends Error {
  override readonly name = 'MissingSourceTopicsError'
  constructor(readonly topics: string[]) {
    super(`Source topic(s) not found: ${topics.join(', ')}. Create them before starting the application (kstreams creates only its internal topics).`)
  }
}

export class CopartitioningError extends Error {
  override readonly name = 'CopartitioningError'
  constructor(readonly counts: Record<string, number>) {
    super(
      `Topics joined together must have the same number of partitions, but ${Object.entries(counts)
        .map(([t, n]) => `"${t}" has ${n}`)
        .join(', ')}. Repartition one side (e.g. stream.repartition(Repartitioned.numberOfPartitions(n))) or recreate the topic.`,
    )
  }
}

export class InternalTopicMismatchError extends Error {
  override readonly name = 'InternalTopicMismatchError'
  constructor(readonly topic: string, detail: string) {
    super(`Internal topic "${topic}" exists but ${detail}. Run the reset tool (npx kstreams reset) or delete the topic.`)
  }
}
