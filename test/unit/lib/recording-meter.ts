import type { BatchObservableCallback, Histogram, Meter, MetricOptions, Observable, ObservableCallback } from '@opentelemetry/api'

/** A Meter of the OpenTelemetry API that records instruments and values (the SDK is not used). */
export class RecordingMeter implements Meter {
  readonly instruments = new Map<string, { kind: string; options: MetricOptions | undefined; observable?: Observable }>()
  readonly recorded: { name: string; value: number; attributes: unknown }[] = []
  readonly batchCallbacks: { callback: BatchObservableCallback; observables: Observable[] }[] = []

  private observable(kind: string, name: string, options?: MetricOptions): Observable {
    const o: Observable = { addCallback: (_cb: ObservableCallback) => {}, removeCallback: (_cb: ObservableCallback) => {} }
    this.instruments.set(name, { kind, options, observable: o })
    return o
  }

  createHistogram(name: string, options?: MetricOptions): Histogram {
    this.instruments.set(name, { kind: 'histogram', options })
    return { record: (value, attributes) => this.recorded.push({ name, value, attributes }) }
  }

  createGauge(): never { throw new Error('not used') }
  createCounter(): never { throw new Error('not used') }
  createUpDownCounter(): never { throw new Error('not used') }
  createObservableUpDownCounter(): never { throw new Error('not used') }
  createObservableGauge(name: string, options?: MetricOptions) { return this.observable('gauge', name, options) }
  createObservableCounter(name: string, options?: MetricOptions) { return this.observable('counter', name, options) }

  addBatchObservableCallback(callback: BatchObservableCallback, observables: Observable[]): void {
    this.batchCallbacks.push({ callback, observables })
  }

  removeBatchObservableCallback(callback: BatchObservableCallback): void {
    const i = this.batchCallbacks.findIndex(c => c.callback === callback)
    if (i >= 0) this.batchCallbacks.splice(i, 1)
  }

  /** What a collection by the SDK would see: instrument name → [attributes, value][]. */
  async collect(): Promise<Map<string, [Record<string, unknown>, number][]>> {
    const byObservable = new Map<Observable, string>()
    for (const [name, i] of this.instruments) if (i.observable) byObservable.set(i.observable, name)
    const out = new Map<string, [Record<string, unknown>, number][]>()
    for (const { callback } of this.batchCallbacks) {
      await callback({
        observe: (o, value, attributes) => {
          const name = byObservable.get(o)!
          if (!out.has(name)) out.set(name, [])
          out.get(name)!.push([{ ...attributes }, value])
        },
      })
    }
    return out
  }
}
