/**
 * Every kernel that registerWasmTrainingKernels() adds or replaces, checked on small shapes
 * against the cpu backend (max abs error / max abs value <= 1e-4) and, for gradients, against
 * central finite differences in float32 on the wasm backend.
 *
 * Finite-difference tolerance: with eps = 1e-3 and float32 losses of magnitude <= ~50, the
 * rounding error of (L+ - L-) / 2 eps is about 50 * 6e-8 / 2e-3 ~ 2e-3; truncation error is
 * O(eps^2). So |fd - g| <= 1e-2 * (1 + |g|). Max-pool inputs are distinct values 0.1 apart, so
 * no window changes its argmax under the perturbation.
 */
import assert from 'node:assert/strict'
import { before, describe, test } from 'node:test'
import { Rng } from '../run/rng.ts'
import { initTfjs } from './tfjs.ts'
import { registerWasmTrainingKernels, WASM_TRAINING_KERNELS } from './wasm-kernels.ts'

type Tf = Awaited<ReturnType<typeof initTfjs>>['tf']
type Tensor = import('@tensorflow/tfjs-core').Tensor
let tf: Tf

interface Input {
  shape: number[]
  values: number[]
  dtype?: 'float32' | 'int32'
  /** Differentiate with respect to this input (float inputs only). */
  grad?: boolean
}

const TOL_CPU = 1e-4
const EPS = 1e-3
const FD_SAMPLES = 4

function normal(rng: Rng, shape: number[]): Input {
  const n = shape.reduce((a, b) => a * b, 1)
  return { shape, values: Array.from({ length: n }, () => rng.normal()), grad: true }
}

/** Distinct values 0.1 apart in random order: max pooling has no ties or near-ties. */
function distinct(rng: Rng, shape: number[]): Input {
  const n = shape.reduce((a, b) => a * b, 1)
  const values = rng.shuffle(Array.from({ length: n }, (_, i) => (i - n / 2) * 0.1))
  return { shape, values, grad: true }
}

function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length)
  let diff = 0
  let scale = 1e-6
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs((a[i] as number) - (b[i] as number)))
    scale = Math.max(scale, Math.abs(b[i] as number))
  }
  return diff / scale
}

function tensors(inputs: Input[]): Tensor[] {
  return inputs.map((x) => tf.tensor(x.values, x.shape, x.dtype ?? 'float32'))
}

/** A scalar loss with non-uniform weights, so that dy is not all ones. */
function weightedSum(y: Tensor): Tensor {
  const w = tf.sin(tf.mul(tf.range(0, y.size, 1, 'float32'), 0.7))
  return tf.sum(tf.mul(tf.reshape(y, [y.size]), w))
}

type Fn = (...xs: Tensor[]) => Tensor

/** Loss value and gradients w.r.t. the inputs marked `grad`, on the current backend. */
function lossAndGrads(f: Fn, inputs: Input[]): { loss: number; grads: Float32Array[] } {
  return tf.tidy(() => {
    const xs = tensors(inputs)
    const which = inputs.map((x, i) => (x.grad ? i : -1)).filter((i) => i >= 0)
    const g = tf.grads((...ws: Tensor[]) => {
      const all = xs.slice()
      which.forEach((k, j) => {
        all[k] = ws[j] as Tensor
      })
      return weightedSum(f(...all))
    })
    const grads = g(which.map((k) => xs[k] as Tensor)).map((t) => t.dataSync() as Float32Array)
    const loss = weightedSum(f(...xs)).dataSync()[0] as number
    return { loss, grads }
  })
}

function loss(f: Fn, inputs: Input[]): number {
  return tf.tidy(() => weightedSum(f(...tensors(inputs))).dataSync()[0] as number)
}

/** Central differences of the loss on a few coordinates of each differentiated input. */
function checkFiniteDifferences(f: Fn, inputs: Input[], grads: Float32Array[], seed: number): void {
  const rng = new Rng(seed)
  const which = inputs.map((x, i) => (x.grad ? i : -1)).filter((i) => i >= 0)
  which.forEach((k, j) => {
    const input = inputs[k] as Input
    const g = grads[j] as Float32Array
    for (let s = 0; s < FD_SAMPLES; s++) {
      const i = rng.int(input.values.length)
      const at = (d: number) => {
        const values = input.values.slice()
        values[i] = (values[i] as number) + d
        return inputs.map((x, m) => (m === k ? { ...x, values } : x))
      }
      const fd = (loss(f, at(EPS)) - loss(f, at(-EPS))) / (2 * EPS)
      const a = g[i] as number
      assert.ok(
        Math.abs(fd - a) <= 1e-2 * (1 + Math.abs(a)),
        `input ${k}[${i}]: finite difference ${fd} vs gradient ${a}`,
      )
    }
  })
}

/** Gradients on wasm against cpu (unless `cpu` is false) and against finite differences. */
async function checkGrad(f: Fn, inputs: Input[], seed: number, cpu = true): Promise<void> {
  await tf.setBackend('wasm')
  const got = lossAndGrads(f, inputs)
  if (cpu) {
    await tf.setBackend('cpu')
    const ref = lossAndGrads(f, inputs)
    await tf.setBackend('wasm')
    assert.ok(relErr([got.loss], [ref.loss]) <= TOL_CPU, `loss ${got.loss} vs cpu ${ref.loss}`)
    got.grads.forEach((g, j) => {
      const e = relErr(g, ref.grads[j] as Float32Array)
      assert.ok(e <= TOL_CPU, `gradient ${j}: relative error ${e.toExponential(2)} against cpu`)
    })
  }
  checkFiniteDifferences(f, inputs, got.grads, seed)
}

async function checkForward(f: Fn, inputs: Input[]): Promise<void> {
  await tf.setBackend('cpu')
  const ref = tf.tidy(() => f(...tensors(inputs)).dataSync() as Float32Array)
  await tf.setBackend('wasm')
  const got = tf.tidy(() => f(...tensors(inputs)).dataSync() as Float32Array)
  const e = relErr(got, ref)
  assert.ok(e <= TOL_CPU, `relative error ${e.toExponential(2)} against cpu`)
}

type Pad = 'same' | 'valid'
type T4 = import('@tensorflow/tfjs-core').Tensor4D

before(async () => {
  const rt = await initTfjs({ prefer: 'wasm' })
  tf = rt.tf
  assert.equal(rt.backend, 'wasm')
  await import('@tensorflow/tfjs-backend-cpu')
})

describe('wasm training kernels', () => {
  test('registerWasmTrainingKernels() registers every listed kernel on wasm, idempotently', () => {
    const names = registerWasmTrainingKernels()
    assert.deepEqual(names, [...WASM_TRAINING_KERNELS])
    for (const name of names) assert.ok(tf.getKernel(name, 'wasm'), name)
    assert.deepEqual(registerWasmTrainingKernels(), names)
  })

  for (const ci of [1, 5])
    for (const stride of [1, 2])
      for (const pad of ['same', 'valid'] as Pad[])
        test(`conv2d gradients match cpu and finite differences (in ${ci}, stride ${stride}, ${pad})`, async () => {
          const rng = new Rng(100 + ci * 10 + stride)
          await checkGrad(
            (x, w) => tf.conv2d(x as T4, w as T4, stride, pad),
            [normal(rng, [2, 7, 7, ci]), normal(rng, [3, 3, ci, 4])],
            ci + stride,
          )
        })

  test('conv2d gradients match cpu with an even filter and asymmetric same padding', async () => {
    const rng = new Rng(7)
    await checkGrad(
      (x, w) => tf.conv2d(x as T4, w as T4, [2, 1], 'same'),
      [normal(rng, [2, 8, 7, 3]), normal(rng, [4, 2, 3, 2])],
      7,
    )
  })

  for (const mult of [1, 2])
    for (const stride of [1, 2])
      for (const pad of ['same', 'valid'] as Pad[])
        test(`depthwise conv2d gradients match cpu and finite differences (multiplier ${mult}, stride ${stride}, ${pad})`, async () => {
          const rng = new Rng(200 + mult * 10 + stride)
          await checkGrad(
            (x, w) => tf.depthwiseConv2d(x as T4, w as T4, stride, pad),
            [normal(rng, [2, 7, 7, 3]), normal(rng, [3, 3, 3, mult])],
            mult + stride,
          )
        })

  for (const pad of ['same', 'valid'] as Pad[])
    test(`depthwise backprop kernels match finite differences with dilation 2 (${pad})`, async () => {
      // tfjs's gradient refuses dilation and the cpu backprop kernels ignore it: the kernels are
      // called directly, with dy = d(loss)/dy, and checked against differences of the forward.
      await tf.setBackend('wasm')
      const rng = new Rng(300)
      const inputs = [normal(rng, [2, 9, 9, 2]), normal(rng, [3, 3, 2, 2])]
      const f: Fn = (x, w) => tf.depthwiseConv2d(x as T4, w as T4, 1, pad, 'NHWC', 2)
      const attrs = { strides: 1, dilations: 2, pad }
      const grads = tf.tidy(() => {
        const [x, w] = tensors(inputs) as [Tensor, Tensor]
        const shape = f(x, w).shape
        const dy = tf.reshape(tf.sin(tf.mul(tf.range(0, tf.util.sizeFromShape(shape)), 0.7)), shape)
        const dx = tf
          .engine()
          .runKernel(
            'DepthwiseConv2dNativeBackpropInput',
            { dy, filter: w },
            { ...attrs, inputShape: x.shape },
          ) as Tensor
        const dw = tf
          .engine()
          .runKernel(
            'DepthwiseConv2dNativeBackpropFilter',
            { x, dy },
            { ...attrs, filterShape: w.shape },
          ) as Tensor
        return [dx.dataSync() as Float32Array, dw.dataSync() as Float32Array]
      })
      checkFiniteDifferences(f, inputs, grads, 3)
    })

  const pools: [number, number, Pad][] = [
    [2, 2, 'valid'],
    [3, 2, 'same'],
    [3, 1, 'same'],
    [2, 1, 'valid'],
  ]
  for (const [size, stride, pad] of pools) {
    test(`maxPool gradient matches cpu and finite differences (${size}x${size}, stride ${stride}, ${pad})`, async () => {
      const rng = new Rng(400 + size * 10 + stride)
      await checkGrad(
        (x) => tf.maxPool(x as T4, size, stride, pad),
        [distinct(rng, [2, 6, 7, 3])],
        size,
      )
    })
    test(`avgPool gradient matches finite differences, and cpu where valid (${size}x${size}, stride ${stride}, ${pad})`, async () => {
      const rng = new Rng(500 + size * 10 + stride)
      await checkGrad(
        (x) => tf.avgPool(x as T4, size, stride, pad),
        [normal(rng, [2, 6, 7, 3])],
        size,
        // tfjs's AvgPoolGrad (cpu included) divides border windows by the full window size,
        // which is not the gradient of its forward pass under 'same' padding.
        pad === 'valid',
      )
    })
  }

  test('maxPool gradient sends ties to the first maximum, as on cpu', async () => {
    const rng = new Rng(600)
    const x = normal(rng, [2, 6, 6, 3])
    x.values = x.values.map((v) => Math.max(0, Math.round(v))) // many equal values, zeros above all
    for (const [size, stride, pad] of pools) {
      await checkForward(
        (xt) =>
          tf.grad((v: Tensor) => weightedSum(tf.maxPool(v as T4, size, stride, pad)))(xt as Tensor),
        [x],
      )
    }
  })

  for (const [ta, tb] of [
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ] as const)
    test(`matMul gradients match cpu and finite differences (transposeA ${ta}, transposeB ${tb})`, async () => {
      const rng = new Rng(700 + Number(ta) * 2 + Number(tb))
      const a = normal(rng, ta ? [2, 5, 3] : [2, 3, 5])
      const b = normal(rng, tb ? [2, 4, 5] : [2, 5, 4])
      await checkGrad((x, y) => tf.matMul(x as Tensor, y as Tensor, ta, tb), [a, b], 7)
      const a2 = normal(rng, ta ? [5, 3] : [3, 5])
      const b2 = normal(rng, tb ? [4, 5] : [5, 4])
      const bias = normal(rng, [4])
      await checkGrad(
        (x, y, z) =>
          tf.fused.matMul({
            a: x as Tensor,
            b: y as Tensor,
            transposeA: ta,
            transposeB: tb,
            bias: z as Tensor,
            activation: 'relu',
          }),
        [a2, b2, bias],
        8,
      )
    })

  test('gather (embedding) gradient matches cpu and finite differences (UnsortedSegmentSum)', async () => {
    const rng = new Rng(800)
    const ids: Input = { shape: [7], values: [3, 1, 3, 0, 9, 1, 3], dtype: 'int32' }
    await checkGrad((e, i) => tf.gather(e as Tensor, i as Tensor), [normal(rng, [10, 4]), ids], 8)
    const seg: Input = { shape: [5], values: [2, 0, 2, -1, 3], dtype: 'int32' }
    await checkForward(
      (x, s) =>
        tf.unsortedSegmentSum(x as Tensor, s as import('@tensorflow/tfjs-core').Tensor1D, 4),
      [normal(rng, [5, 3]), seg],
    )
  })

  for (const [eq, shapes] of [
    [
      'ij,jk->ik',
      [
        [3, 4],
        [4, 5],
      ],
    ],
    [
      'bij,bjk->bik',
      [
        [2, 3, 4],
        [2, 4, 2],
      ],
    ],
    ['i,i->', [[6], [6]]],
    ['ij->ji', [[3, 4]]],
  ] as [string, number[][]][])
    test(`einsum "${eq}" matches cpu`, async () => {
      const rng = new Rng(900)
      await checkForward(
        (...xs) => tf.einsum(eq, ...xs),
        shapes.map((s) => normal(rng, s)),
      )
    })
})

describe('wasm gradients of common layers', () => {
  test('the training kernels free every intermediate on the wasm heap', async () => {
    await tf.setBackend('wasm')
    const rng = new Rng(1300)
    const inputs = tensors([normal(rng, [2, 8, 8, 1]), normal(rng, [3, 3, 1, 4])])
    const [x, w] = inputs as [T4, T4]
    const step = () =>
      tf.tidy(() =>
        tf.grads((a: Tensor, b: Tensor) => {
          const y = tf.conv2d(a as T4, b as T4, 2, 'same')
          const p = tf.maxPool(
            tf.depthwiseConv2d(y, tf.ones([3, 3, 4, 1]), 1, 'same'),
            2,
            2,
            'valid',
          )
          const q = tf.avgPool(p, 2, 1, 'valid')
          const e = tf.gather(tf.reshape(q, [-1]), tf.tensor1d([0, 1, 1], 'int32'))
          return tf.sum(tf.matMul(tf.reshape(e, [1, 3]), tf.ones([4, 3]), false, true))
        })([x, w]),
      )
    tf.dispose(step())
    const before = tf.engine().backend.numDataIds()
    tf.dispose(step())
    assert.equal(tf.engine().backend.numDataIds(), before)
    for (const t of inputs) t.dispose()
  })

  test('dense relu/tanh/sigmoid with softmax cross-entropy matches cpu and finite differences', async () => {
    const rng = new Rng(1000)
    const labels: Input = {
      shape: [4, 3],
      values: [1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 0],
      grad: false,
    }
    await checkGrad(
      (x, w1, b1, w2, w3, y) => {
        const h1 = tf.relu(tf.add(tf.matMul(x as Tensor, w1 as Tensor), b1 as Tensor))
        const h2 = tf.tanh(tf.matMul(h1, w2 as Tensor))
        const logits = tf.matMul(tf.sigmoid(h2), w3 as Tensor)
        return tf.losses.softmaxCrossEntropy(y as Tensor, logits)
      },
      [
        normal(rng, [4, 6]),
        normal(rng, [6, 5]),
        normal(rng, [5]),
        normal(rng, [5, 5]),
        normal(rng, [5, 3]),
        labels,
      ],
      10,
    )
  })

  test('batch norm and layer norm (moments) match cpu and finite differences', async () => {
    const rng = new Rng(1100)
    await checkGrad(
      (x, gamma, beta) => {
        const { mean, variance } = tf.moments(x as Tensor, [0, 1, 2])
        const bn = tf.batchNorm(x as Tensor, mean, variance, beta as Tensor, gamma as Tensor, 1e-3)
        const ln = tf.moments(bn, [3], true)
        return tf.div(tf.sub(bn, ln.mean), tf.sqrt(tf.add(ln.variance, 1e-3)))
      },
      [normal(rng, [2, 3, 3, 4]), normal(rng, [4]), normal(rng, [4])],
      11,
    )
  })

  test('conv, pooling and dropout (fixed seed) chain matches cpu', async () => {
    const rng = new Rng(1200)
    await checkGrad(
      (x, w) => {
        const y = tf.relu(tf.conv2d(x as T4, w as T4, 1, 'same'))
        const p = tf.maxPool(tf.dropout(y, 0.25, undefined, 5) as T4, 2, 2, 'valid')
        return tf.avgPool(p, 2, 1, 'valid')
      },
      [normal(rng, [2, 8, 8, 2]), normal(rng, [3, 3, 2, 3])],
      12,
    )
  })
})
