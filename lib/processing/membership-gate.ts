import type { GroupConsumer } from '../clients/types.js'
import type { Logger } from '../config/types.js'

/**
 * Whether the coordinator has gone longer than the session timeout without confirming this
 * member (the process was paused or starved): it has probably been expelled and its tasks given
 * to another member, which may have processed and committed since. Processing and commits wait
 * (a commit flushes stores, which would write this member's stale state to the changelogs after
 * the new owner's) until a heartbeat is answered, or the next assignment reports the tasks lost.
 */
export class MembershipGate {
  private awaitingConfirmation = false

  constructor(
    private readonly consumer: Pick<GroupConsumer, 'unconfirmedForMs'>,
    private readonly logger: Logger,
    private readonly sessionTimeoutMs: number,
  ) {}

  unconfirmed(): boolean {
    const silentMs = this.consumer.unconfirmedForMs()
    if (silentMs === null) {
      if (this.awaitingConfirmation) {
        this.awaitingConfirmation = false
        this.logger.info('The group coordinator answered again; processing resumes')
      }
      return false
    }
    if (!this.awaitingConfirmation) {
      this.awaitingConfirmation = true
      this.logger.warn(
        { silentMs, sessionTimeoutMs: this.sessionTimeoutMs },
        `No answer from the group coordinator for ${silentMs} ms, longer than the session timeout (${this.sessionTimeoutMs} ms): ` +
          'this member may have been expelled and its tasks reassigned; not processing or committing until the coordinator answers',
      )
    }
    return true
  }
}
