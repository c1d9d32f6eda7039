/**
 * A KTable update as it flows between table processors: the new value and, when a downstream
 * operator asked for it, the previous one (null = absent or not sent). A null newValue deletes.
 */
export interface TableChange<V> {
  newValue: V | null
  oldValue: V | null
}
