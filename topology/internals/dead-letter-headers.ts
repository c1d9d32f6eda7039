/** Headers a dead-letter record carries: what failed, where the record came from (the runtime and the test driver alike). */
export function errorHeaders(error: Error, topic: string, partition: number, offset: number): Record<string, string> {
  return {
    'kstreams.error.class': error.name,
    'kstreams.error.message': error.message,
    'kstreams.error.topic': topic,
    'kstreams.error.partition': String(partition),
    'kstreams.error.offset': String(offset),
  }
}
