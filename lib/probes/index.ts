export { startProbeServer, type ProbeServer, type ProbeServerOptions, type ProbedApp } from './probe-server.js'
