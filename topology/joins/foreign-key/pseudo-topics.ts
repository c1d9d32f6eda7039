/**
 * The names serdes see inside a foreign-key join (Kafka Streams' "pseudo-topics"): the primary key,
 * foreign key and value hash are serialized under `<applicationId>-<subscription topic>-pk`, `-fk`
 * and `-vh`. The application id is known when a task starts: each processor binds it in `init`.
 */
export class FkJoinPseudoTopics {
  private applicationId: string | null = null

  constructor(private readonly subscriptionTopic: string) {}

  bind(applicationId: string): void {
    this.applicationId = applicationId
  }

  private decorate(suffix: string): string {
    const topic = `${this.subscriptionTopic}-${suffix}`
    return this.applicationId === null ? topic : `${this.applicationId}-${topic}`
  }

  readonly primaryKey = (): string => this.decorate('pk')
  readonly foreignKey = (): string => this.decorate('fk')
  readonly valueHash = (): string => this.decorate('vh')
}
