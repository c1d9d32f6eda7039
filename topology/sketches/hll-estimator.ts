// Cardinality estimates of a HyperLogLog sketch.
//
// Dense sketches use Ertl's improved raw estimator ("New cardinality estimation algorithms for
// HyperLogLog sketches", 2017): it reads only the histogram of register values and is close to
// unbiased over the whole range, small cardinalities included, so it replaces HyperLogLog++'s
// empirical bias-correction tables (hundreds of measured points per precision) and its switch to
// linear counting. Sparse sketches use linear counting over the 2^25 sparse indexes, which is
// exact up to rare index collisions at the sizes a sparse sketch holds.

const ALPHA_INF = 1 / (2 * Math.LN2)

function sigma(x: number): number {
  if (x === 1) return Infinity
  let y = 1
  let z = x
  for (;;) {
    x *= x
    const previous = z
    z += x * y
    y += y
    if (z === previous) return z
  }
}

function tau(x: number): number {
  if (x === 0 || x === 1) return 0
  let y = 1
  let z = 1 - x
  for (;;) {
    x = Math.sqrt(x)
    const previous = z
    y *= 0.5
    z -= (1 - x) * (1 - x) * y
    if (z === previous) return z / 3
  }
}

/**
 * The estimate from `histogram[k]` = number of registers holding k, for k = 0..q+1, where
 * q = 64 - precision and m = 2^precision registers.
 */
export function ertlEstimate(histogram: ArrayLike<number>, precision: number): number {
  const m = 2 ** precision
  const q = 64 - precision
  let z = m * tau(1 - histogram[q + 1]! / m)
  for (let k = q; k >= 1; k--) z = 0.5 * (z + histogram[k]!)
  z += m * sigma(histogram[0]! / m)
  return (ALPHA_INF * m * m) / z
}

/** Linear counting: `occupied` of `m` buckets hit. */
export function linearCounting(m: number, occupied: number): number {
  return occupied === 0 ? 0 : m * Math.log(m / (m - occupied))
}
