// The shared benchmark helpers: figures and reports must be right, or every benchmark misreports.
import { describe, expect, it } from 'vitest'
import { Writable } from 'node:stream'
import { fmt, ownCpuSeconds, parseArgs, processCpuSeconds, Progress, RUNNER_PREFIX, stats, statsRow, table } from '../../../bench/lib/index.js'

function sink(isTTY: boolean): { out: NodeJS.WriteStream; text: () => string } {
  let text = ''
  const w = new Writable({ write(chunk, _enc, cb) { text += chunk.toString(); cb() } }) as unknown as NodeJS.WriteStream
  ;(w as { isTTY: boolean }).isTTY = isTTY
  return { out: w, text: () => text }
}

describe('bench/lib', () => {
  it('stats: min, median (mean of the middle two for even counts) and max, values kept in run order', () => {
    expect(stats([3, 1, 2])).toEqual({ min: 1, median: 2, max: 3, all: [3, 1, 2] })
    expect(stats([4, 1, 3, 2]).median).toBe(2.5)
    expect(() => stats([])).toThrow(/no values/)
    expect(() => stats([1, NaN])).toThrow(/finite/)
  })

  it('table and statsRow print markdown with figures right-aligned', () => {
    expect(table(['metric', 'min', 'median', 'max'], [statsRow('records/s', stats([1000, 2000.4, 1500]))])).toBe(
      '| metric | min | median | max |\n| --- | ---: | ---: | ---: |\n| records/s | 1,000 | 1,500 | 2,000 |',
    )
    expect(table(['name', 'what', 'n'], [['a', 'b', 1]], 2)).toBe('| name | what | n |\n| --- | --- | ---: |\n| a | b | 1 |')
    expect(fmt(0.12345, 3)).toBe('0.123')
    expect(() => table(['a', 'b'], [['only one']])).toThrow(/1 cells, header has 2/)
  })

  it('parseArgs takes positive integers for known options and names what is wrong', () => {
    expect(parseArgs({ records: 10, reps: 3 }, ['--reps', '5'])).toEqual({ records: 10, reps: 5 })
    expect(() => parseArgs({ records: 10 }, ['--recs', '5'])).toThrow(/unknown option --recs; known: --records/)
    expect(() => parseArgs({ records: 10 }, ['--records', '-1'])).toThrow(/--records needs a positive integer, got -1/)
    expect(() => parseArgs({ records: 10 }, ['--records'])).toThrow(/got nothing/)
  })

  it('progress rewrites one line on a terminal, throttles plain lines elsewhere, prefixes lines for the runner', () => {
    const tty = sink(true)
    const p = new Progress(tty.out, { mode: 'tty' })
    p.update('a')
    p.update('b') // within 100 ms: held back
    p.done('result')
    expect(tty.text()).toBe('\r\x1b[Ka\r\x1b[Kresult\n')

    const lines = sink(false)
    const q = new Progress(lines.out, { mode: 'lines', linesEveryMs: 60_000 })
    q.update('first')
    q.update('second')
    q.done()
    expect(lines.text()).toBe('first\n')

    const runner = sink(false)
    const r = new Progress(runner.out, { mode: 'runner' })
    r.update('half way')
    r.done('rep 1: done')
    expect(runner.text()).toBe(`${RUNNER_PREFIX}half way\nrep 1: done\n`)
  })

  it('reads a process CPU time from /proc that agrees with process.cpuUsage', () => {
    const end = Date.now() + 200
    let x = 0
    while (Date.now() < end) x += Math.sqrt(x + 1)
    expect(x).toBeGreaterThan(0)
    const own = ownCpuSeconds()
    const proc = processCpuSeconds(process.pid)
    expect(own).toBeGreaterThan(0.15)
    expect(Math.abs(proc - own)).toBeLessThan(0.1)
    expect(() => processCpuSeconds(2 ** 30)).toThrow(/process 1073741824/)
  })
})
