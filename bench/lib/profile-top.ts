// Top self-time entries of a V8 .cpuprofile (from `node --cpu-prof`), by function and file.
//   npx tsx bench/lib/profile-top.ts <file.cpuprofile> [N]
import { readFileSync } from 'node:fs'

interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number }
interface Profile { nodes: Node[]; samples: number[]; timeDeltas: number[] }

const [file, n = '25'] = process.argv.slice(2)
if (!file) throw new Error('usage: profile-top.ts <file.cpuprofile> [N]')
const p = JSON.parse(readFileSync(file, 'utf8')) as Profile
const byId = new Map(p.nodes.map((x) => [x.id, x]))
const self = new Map<string, number>()
const byFile = new Map<string, number>()
let total = 0
for (let i = 0; i < p.samples.length; i++) {
  const node = byId.get(p.samples[i]!)!
  const dt = p.timeDeltas[i] ?? 0
  total += dt
  const url = node.callFrame.url.replace(/^file:\/\//, '').replace(/^.*?\/(node_modules\/)/, '$1').replace(/^.*?\/(lib|protocol|topology|bench|broker|stores)\//, '$1/')
  const key = `${node.callFrame.functionName || '(anonymous)'}\t${url}:${node.callFrame.lineNumber + 1}`
  self.set(key, (self.get(key) ?? 0) + dt)
  const f = url || node.callFrame.functionName
  byFile.set(f, (byFile.get(f) ?? 0) + dt)
}
const pct = (v: number) => ((100 * v) / total).toFixed(1).padStart(5)
console.log(`total ${(total / 1e6).toFixed(2)} s sampled`)
console.log('self % | function | file')
for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(n))) console.log(`${pct(v)} | ${k.replace('\t', ' | ')}`)
console.log('\nself % by file')
for (const [k, v] of [...byFile].sort((a, b) => b[1] - a[1]).slice(0, Number(n))) console.log(`${pct(v)} | ${k}`)
