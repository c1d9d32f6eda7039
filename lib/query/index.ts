export * from './composite-key-value-store.js'
export * from './key-query-metadata.js'
export * from './store-views.js'
export * from './versioned-store-view.js'
