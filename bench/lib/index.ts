// Shared benchmark helpers: options, statistics, the machine line, progress, tables, results files,
// CPU time, and the broker in its own process.
export { parseArgs } from './args.js'
export { stats, type Stats } from './stats.js'
export { machine, machineLine, type Machine } from './machine.js'
export { Progress, progress, progressDone, RUNNER_ENV, RUNNER_PREFIX } from './progress.js'
export { fmt, table, statsRow, STATS_HEADER } from './table.js'
export { writeResult, RESULTS_DIR } from './results.js'
export { processCpuSeconds, ownCpuSeconds } from './cpu.js'
export { startBrokerProcess, type BrokerProcess } from './broker-process.js'
