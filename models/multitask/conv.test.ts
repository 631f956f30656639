import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Rng } from '../../harness/run/rng.ts'
import { attachGates, foldGates } from '../pruning/l1-gate.ts'
import { convBackward, convForward, convPlanes, im2colT, maxPool2 } from './conv.ts'
import { combinationFlops } from './cost.ts'
import { compilePlan, runPlan } from './inference-plan.ts'
import {
  buildNet,
  concatNets,
  DELETED,
  type MultiNet,
  type NetSpec,
  netArch,
  partitionCounts,
  SHARED,
} from './net.ts'
import { forward, type TaskSplit, Trainer } from './train.ts'

const lenet5: NetSpec = {
  input: { height: 28, width: 28, channels: 1 },
  conv: [
    { channels: 6, kernel: 5, pool: true },
    { channels: 16, kernel: 5, pool: true },
  ],
  dense: [120, 84],
}
// A small LeNet-like net: 6×6 image, conv 3×3·2 + pool, conv 3×3·3 + pool, dense 4.
const tiny: NetSpec = {
  input: { height: 6, width: 6, channels: 1 },
  conv: [
    { channels: 2, kernel: 3, pool: true },
    { channels: 3, kernel: 3, pool: true },
  ],
  dense: [4],
}
const images = (n: number, size: number, seed: number) => {
  const rng = new Rng(seed)
  return Float32Array.from({ length: n * size }, () => rng.next())
}

test('convForward() matches a nested-loop same-padding convolution', () => {
  const net = buildNet(
    {
      input: { height: 5, width: 4, channels: 2 },
      conv: [{ channels: 3, kernel: 3, pool: false }],
      dense: [],
    },
    2,
    new Rng(1),
  )
  const layer = net.hidden[0]!
  const shape = layer.conv!
  const rng = new Rng(2)
  for (let j = 0; j < 3; j++) layer.b[j] = rng.next() - 0.5
  const x = images(2, 2 * 5 * 4, 3).map((v) => v - 0.5)
  const out = convForward(layer, shape, x, 2)
  for (let r = 0; r < 2; r++)
    for (let j = 0; j < 3; j++)
      for (let y = 0; y < 5; y++)
        for (let xx = 0; xx < 4; xx++) {
          let ref = layer.b[j]!
          for (let c = 0; c < 2; c++)
            for (let ky = 0; ky < 3; ky++)
              for (let kx = 0; kx < 3; kx++) {
                const iy = y + ky - 1
                const ix = xx + kx - 1
                if (iy < 0 || iy >= 5 || ix < 0 || ix >= 4) continue
                const w = layer.w[((c * 3 + ky) * 3 + kx) * 3 + j]!
                ref += w * x[r * 40 + c * 20 + iy * 4 + ix]!
              }
          const got = out[r * 60 + j * 20 + y * 4 + xx]!
          assert.ok(Math.abs(got - ref) < 1e-5, `r${r} c${j} (${y},${xx}): ${got} vs ${ref}`)
        }
})

/** Nested-loop same-padding conv of a layer (the plain reference): pre[r, j, y, x]. */
function naiveConv(layer: MultiNet['hidden'][number], x: Float32Array, rows: number) {
  const { kernel: k, inChannels: nc, height: H, width: W } = layer.conv!
  const C = layer.outSize
  const pad = k >> 1
  const out = new Float64Array(rows * C * H * W)
  for (let r = 0; r < rows; r++)
    for (let j = 0; j < C; j++)
      for (let y = 0; y < H; y++)
        for (let xx = 0; xx < W; xx++) {
          let s = layer.b[j]!
          for (let c = 0; c < nc; c++)
            for (let ky = 0; ky < k; ky++)
              for (let kx = 0; kx < k; kx++) {
                const iy = y + ky - pad
                const ix = xx + kx - pad
                if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue
                s +=
                  layer.w[((c * k + ky) * k + kx) * C + j]! * x[((r * nc + c) * H + iy) * W + ix]!
              }
          out[((r * C + j) * H + y) * W + xx] = s
        }
  return out
}

/** Nested-loop gradients of that conv for ∂pre = `g`: ∂w (masked), ∂b, ∂x. */
function naiveConvGrad(
  layer: MultiNet['hidden'][number],
  x: Float32Array,
  g: Float32Array,
  rows: number,
) {
  const { kernel: k, inChannels: nc, height: H, width: W } = layer.conv!
  const C = layer.outSize
  const pad = k >> 1
  const gw = new Float64Array(layer.w.length)
  const gb = new Float64Array(C)
  const gx = new Float64Array(x.length)
  for (let r = 0; r < rows; r++)
    for (let j = 0; j < C; j++)
      for (let y = 0; y < H; y++)
        for (let xx = 0; xx < W; xx++) {
          const d = g[((r * C + j) * H + y) * W + xx]!
          gb[j]! += d
          for (let c = 0; c < nc; c++)
            for (let ky = 0; ky < k; ky++)
              for (let kx = 0; kx < k; kx++) {
                const iy = y + ky - pad
                const ix = xx + kx - pad
                if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue
                const wi = ((c * k + ky) * k + kx) * C + j
                const xi = ((r * nc + c) * H + iy) * W + ix
                if (layer.mask[wi] !== 0) gw[wi]! += d * x[xi]!
                gx[xi]! += d * layer.w[wi]!
              }
        }
  return { gw, gb, gx }
}

const close = (got: ArrayLike<number>, want: ArrayLike<number>, what: string) => {
  assert.equal(got.length, want.length, what)
  for (let i = 0; i < want.length; i++)
    assert.ok(
      Math.abs(got[i]! - want[i]!) < 1e-4 * (1 + Math.abs(want[i]!)),
      `${what}[${i}]: ${got[i]} vs ${want[i]}`,
    )
}

// Odd shapes: a 7×5 image (positions not a multiple of the 4-position tile), 3 input channels of
// a merged net (block-diagonal mask, one deleted channel), 5×5 and 3×3 kernels.
const oddLayer = (kernel: number) => {
  const nets = [0, 1].map((t) =>
    buildNet(
      {
        input: { height: 7, width: 5, channels: 1 },
        conv: [
          { channels: 3, kernel: 3, pool: false },
          { channels: 5, kernel, pool: false },
        ],
        dense: [],
      },
      2,
      new Rng(20 + t),
    ),
  )
  const net = concatNets(nets, (t, l, j) =>
    l === 1 && t === 1 && j === 2 ? DELETED : j === 0 ? SHARED : t,
  )
  const layer = net.hidden[1]!
  const rng = new Rng(22)
  for (let j = 0; j < layer.outSize; j++)
    if (layer.part[j] !== DELETED) layer.b[j] = rng.next() - 0.5
  return layer
}

for (const kernel of [3, 5])
  test(`convForward() and convBackward() equal nested loops on a merged 7×5 layer, kernel ${kernel}`, () => {
    const layer = oddLayer(kernel)
    const shape = layer.conv!
    const rows = 3
    const x = images(rows, 6 * 35, 23).map((v, i) => (i % 4 === 0 ? 0 : v - 0.3))
    close(convForward(layer, shape, x, rows), naiveConv(layer, x, rows), 'pre')
    // A gradient that is zero at most positions, as after a ReLU and a max-pool.
    const rng = new Rng(24)
    const g = Float32Array.from({ length: rows * 10 * 35 }, () =>
      rng.next() < 0.3 ? rng.next() - 0.5 : 0,
    )
    const dIn = new Float32Array(x.length)
    const got = convBackward(layer, shape, x, g, rows, dIn)
    const want = naiveConvGrad(layer, x, g, rows)
    close(got.w, want.gw, '∂w')
    close(got.b, want.gb, '∂b')
    close(dIn, want.gx, '∂x')
    for (let k = 0; k < layer.w.length; k++)
      if (layer.mask[k] === 0) assert.equal(got.w[k], 0, `masked ∂w[${k}]`)
  })

test('convPlanes() over im2colT() (the inference path) equals convForward()', () => {
  const layer = oddLayer(5)
  const shape = layer.conv!
  const x = images(2, 6 * 35, 25)
  const P = 35
  const cols = new Float32Array(layer.inSize * P)
  const out = new Float32Array(2 * layer.outSize * P)
  for (let r = 0; r < 2; r++) {
    im2colT(x, r * 6 * P, shape, cols)
    convPlanes(cols, layer.inSize, P, layer.w, layer.b, layer.outSize, out, r * layer.outSize * P)
  }
  close(convForward(layer, shape, x, 2), out, 'pre')
})

test('maxPool2() takes the maximum of each 2×2 window and drops an odd edge', () => {
  const x = Float32Array.from([1, 5, 2, 9, 3, 4, 0, 1, 7, 8, 6, 2, 9, 9, 9, 9, 9, 9])
  // one 3×6 plane: windows over rows 0-1 only (row 2 dropped)
  const { out } = maxPool2(x, 1, 3, 6)
  assert.deepEqual([...out], [5, 9, 6])
})

test('Trainer conv gradients match finite differences', () => {
  const n = 6
  const split: TaskSplit = {
    x: images(n, 36, 4),
    n,
    labels: [Int32Array.from({ length: n }, (_, i) => i % 3)],
  }
  const rows = [...Array(n).keys()]
  const make = () => buildNet(tiny, 3, new Rng(5))
  const loss = (edit: (net: MultiNet) => void) => {
    const net = make()
    edit(net)
    return new Trainer(net, { lr: 0, momentum: 0, batch: n }).step(split, rows, false)
  }
  const lr = 1e-3
  const probes: [number, number][] = [
    [0, 3],
    [0, 10],
    [1, 7],
    [1, 40],
    [2, 5],
  ]
  const net = make()
  const before = net.hidden.map((l) => l.w.slice())
  new Trainer(net, { lr, momentum: 0, batch: n }).step(split, rows)
  for (const [l, k] of probes) {
    const eps = 1e-3
    const w0 = before[l]![k]!
    const plus = loss((m) => {
      m.hidden[l]!.w[k] = w0 + eps
    })
    const minus = loss((m) => {
      m.hidden[l]!.w[k] = w0 - eps
    })
    const numeric = (plus - minus) / (2 * eps)
    const analytic = (w0 - net.hidden[l]!.w[k]!) / lr
    assert.ok(
      Math.abs(numeric - analytic) < 1e-3 + 1e-2 * Math.abs(numeric),
      `layer ${l} weight ${k}: ${numeric} vs ${analytic}`,
    )
  }
})

test('netArch() of an untouched LeNet-5 gives the cost model 1,377,111 FLOPs, two 2,754,222', () => {
  const net = buildNet(lenet5, 5, new Rng(6))
  const arch = netArch(net)
  assert.deepEqual(arch.input, { height: 28, width: 28, channels: 1 })
  assert.deepEqual(arch.layers, [
    { kind: 'conv', kernel: 5, pool: true },
    { kind: 'conv', kernel: 5, pool: true },
    { kind: 'dense' },
    { kind: 'dense' },
  ])
  assert.equal(combinationFlops(arch, partitionCounts(net), [0]), 1_377_111)
  assert.equal(compilePlan(net, [0]).flops, 1_377_111)
  const two = concatNets([net, buildNet(lenet5, 5, new Rng(7))])
  assert.equal(combinationFlops(netArch(two), partitionCounts(two), [0, 1]), 2_754_222)
  assert.equal(compilePlan(two, [0, 1]).flops, 2_754_222)
})

// Two tiny conv nets merged: conv1 channels (A: 0 1, B: 2 3), conv2 (A: 0-2, B: 3-5), dense (A: 0-3, B: 4-7).
const parts = [
  [SHARED, 0, 1, SHARED],
  [SHARED, 0, DELETED, 1, SHARED, 1],
  [SHARED, 0, 1, DELETED, SHARED, 0, 1, 1],
]
const widths = [2, 3, 4]
const mergedTiny = () =>
  concatNets(
    [buildNet(tiny, 2, new Rng(8)), buildNet(tiny, 3, new Rng(9))],
    (t, l, j) => parts[l]![t * widths[l]! + j]!,
  )

test('compilePlan() of a merged conv net counts the cost model FLOPs and reproduces forward()', () => {
  const net = mergedTiny()
  const x = images(4, 36, 10)
  const full = forward(net, x, 4).outs
  for (const combo of [[0], [1], [0, 1]]) {
    const plan = compilePlan(net, combo)
    assert.equal(plan.flops, combinationFlops(netArch(net), partitionCounts(net), combo))
    const outs = runPlan(plan, x, 4)
    combo.forEach((t, k) => {
      for (const [i, v] of outs[k]!.entries())
        assert.ok(Math.abs(Math.tanh(v) - full[t]![i]!) < 1e-5, `task ${t} output ${i}`)
    })
  }
})

test("a task-B conv channel never changes task A's output", () => {
  const net = mergedTiny()
  const x = images(3, 36, 11)
  const before = forward(net, x, 3).outs[0]!
  const conv1 = net.hidden[0]!
  for (let i = 0; i < conv1.inSize; i++) conv1.w[i * conv1.outSize + 2]! += 3 // channel 2: task B
  assert.deepEqual(forward(net, x, 3).outs[0]!, before)
})

test('foldGates() on a conv net leaves the outputs unchanged', () => {
  const net = mergedTiny()
  attachGates(net)
  const rng = new Rng(12)
  for (const layer of net.hidden)
    for (let j = 0; j < layer.outSize; j++) layer.gate![j] = 2 * rng.next() - 0.5
  const x = images(3, 36, 13)
  const before = forward(net, x, 3).outs
  foldGates(net)
  const after = forward(net, x, 3).outs
  before.forEach((o, t) => {
    for (const [i, v] of o.entries()) assert.ok(Math.abs(v - after[t]![i]!) < 1e-5)
  })
})

test('Trainer sums Taylor statistics per conv channel and zeroes a dead channel', () => {
  const net = buildNet(tiny, 2, new Rng(14))
  const conv1 = net.hidden[0]!
  for (let i = 0; i < conv1.inSize; i++) conv1.w[i * conv1.outSize + 1] = 0
  conv1.b[1] = -1
  const split: TaskSplit = {
    x: images(8, 36, 15),
    n: 8,
    labels: [Int32Array.from({ length: 8 }, (_, i) => i % 2)],
  }
  const trainer = new Trainer(net, { lr: 0, momentum: 0, batch: 8 })
  trainer.step(split, [...Array(8).keys()], false)
  assert.equal(trainer.taylor[0]!.length, 2)
  assert.equal(trainer.taylor[0]![1], 0)
  assert.ok(trainer.taylor[0]![0]! > 0)
})

test('buildNet() rejects an even kernel and convs that pool below 1×1, naming the layer', () => {
  const conv = (n: number, kernel = 3) =>
    Array.from({ length: n }, () => ({ channels: 2, kernel, pool: true }))
  const input = { height: 4, width: 4, channels: 1 }
  assert.throws(
    () => buildNet({ input, conv: conv(1, 4), dense: [] }, 2, new Rng(1)),
    /conv kernel must be odd and positive, got 4/,
  )
  assert.throws(
    () => buildNet({ input, conv: conv(3), dense: [] }, 2, new Rng(1)),
    /conv 3 pools below 1×1/,
  )
})
