export * from './channels.js'
