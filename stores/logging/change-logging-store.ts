import type { StateStore, StateStoreContext } from '../state-store.js'
import { InvalidStateStoreError } from '../internals/store-errors.js'
import { WrappedStateStore } from '../internals/wrapped-store.js'
import { ChangelogWriter } from './changelog-writer.js'

/** What every change-logging layer shares: the changelog writer it opens on init. */
export abstract class ChangeLoggingStore<S extends StateStore> extends WrappedStateStore<S> {
  protected writer: ChangelogWriter | null = null

  override init(context: StateStoreContext, root: StateStore): Promise<void> {
    this.writer = new ChangelogWriter(context, context.changelogTopic(this.name))
    return this.inner.init(context, root)
  }

  /** The writer, or the error for a write before init. */
  protected openWriter(): ChangelogWriter {
    if (this.writer === null) throw new InvalidStateStoreError(this.name, 'is not initialized')
    return this.writer
  }
}
