// The machine line every benchmark prints: figures only compare on the same kind of machine.
import { cpus } from 'node:os'

export interface Machine { cores: number; cpu: string; node: string }

export function machine(): Machine {
  const list = cpus()
  return { cores: list.length, cpu: list[0]?.model?.trim() ?? 'unknown', node: process.version }
}

export function machineLine(): string {
  const m = machine()
  return `machine: ${m.cores} cores (${m.cpu}), Node ${m.node}`
}
