export { TransactionCoordinator, type GroupOffsets, type TransactionCoordinatorOptions } from './transaction-coordinator.js'
