/**
 * The LSTM recurrence as one op with a hand-written gradient, in plain loops over typed arrays.
 * On the wasm backend an op costs far more in dispatch than a [32, 24] x [24, 96] step computes,
 * and a step written in tfjs ops is ~12 ops forward and ~25 backward, so a 50-step BiLSTM spends
 * its time in dispatch; this op is two loops.
 *
 *   input  xs [B, T, 4H]  (x_t W + b, already projected), u [H, 4H]; gate columns i | f | g | o
 *   step   z = xs_t + h_{t-1} u;  i, f, o = sigmoid;  g = tanh;  c_t = f c_{t-1} + i g;
 *          h_t = o tanh(c_t), from h_0 = c_0 = 0
 *   output h [B, T, H]
 *   grad   backpropagation through time: dz = [dc g i(1-i), dc c_{t-1} f(1-f), dc i (1-g^2),
 *          dh tanh(c_t) o(1-o)] with dc = dh o (1 - tanh^2 c_t) + dc_{t+1} f_{t+1};
 *          dxs_t = dz, du += h_{t-1}^T dz, dh_{t-1} += dz u^T
 */
import * as tf from '@tensorflow/tfjs-core'

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v))

/** h [B, T, H] of the LSTM recurrence over pre-projected inputs xs [B, T, 4H] and u [H, 4H]. */
export function lstmRecurrence(xs: tf.Tensor3D, u: tf.Tensor2D): tf.Tensor3D {
  const [B, T, G] = xs.shape
  const H = G / 4
  if (!Number.isInteger(H) || u.shape[0] !== H || u.shape[1] !== G)
    throw new RangeError(
      `Cannot run lstmRecurrence: xs [${xs.shape}] needs u [${G / 4}, ${G}], got [${u.shape}]`,
    )
  const op = tf.customGrad((xIn, uIn) => {
    const xv = (xIn as tf.Tensor).dataSync() as Float32Array
    const uv = (uIn as tf.Tensor).dataSync() as Float32Array
    const act = new Float32Array(B * T * G) // i f g o after their nonlinearities
    const cell = new Float32Array(B * T * H)
    const out = new Float32Array(B * T * H)
    const z = new Float32Array(G)
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < T; t++) {
        const row = (b * T + t) * G
        const prev = (b * T + t - 1) * H
        z.set(xv.subarray(row, row + G))
        if (t > 0)
          for (let a = 0; a < H; a++) {
            const ha = out[prev + a] as number
            if (ha === 0) continue
            const ur = a * G
            for (let j = 0; j < G; j++) z[j] = (z[j] as number) + ha * (uv[ur + j] as number)
          }
        const at = (b * T + t) * H
        for (let j = 0; j < H; j++) {
          const i = sigmoid(z[j] as number)
          const f = sigmoid(z[H + j] as number)
          const g = Math.tanh(z[2 * H + j] as number)
          const o = sigmoid(z[3 * H + j] as number)
          act[row + j] = i
          act[row + H + j] = f
          act[row + 2 * H + j] = g
          act[row + 3 * H + j] = o
          const c = f * (t > 0 ? (cell[prev + j] as number) : 0) + i * g
          cell[at + j] = c
          out[at + j] = o * Math.tanh(c)
        }
      }
    }
    const gradFunc = (dy: tf.Tensor | tf.Tensor[]) => {
      const dyv = (dy as tf.Tensor).dataSync()
      const dx = new Float32Array(B * T * G)
      const du = new Float32Array(H * G)
      const dh = new Float32Array(H)
      const dc = new Float32Array(H)
      for (let b = 0; b < B; b++) {
        dh.fill(0)
        dc.fill(0)
        for (let t = T - 1; t >= 0; t--) {
          const row = (b * T + t) * G
          const at = (b * T + t) * H
          const prev = at - H
          for (let j = 0; j < H; j++) {
            const i = act[row + j] as number
            const f = act[row + H + j] as number
            const g = act[row + 2 * H + j] as number
            const o = act[row + 3 * H + j] as number
            const tc = Math.tanh(cell[at + j] as number)
            const dhj = (dh[j] as number) + (dyv[at + j] as number)
            const dcj = (dc[j] as number) + dhj * o * (1 - tc * tc)
            const cPrev = t > 0 ? (cell[prev + j] as number) : 0
            dx[row + j] = dcj * g * i * (1 - i)
            dx[row + H + j] = dcj * cPrev * f * (1 - f)
            dx[row + 2 * H + j] = dcj * i * (1 - g * g)
            dx[row + 3 * H + j] = dhj * tc * o * (1 - o)
            dc[j] = dcj * f
          }
          // dh_{t-1} = dz u^T and du += h_{t-1}^T dz.
          for (let a = 0; a < H; a++) {
            const ur = a * G
            let s = 0
            for (let k = 0; k < G; k++) s += (dx[row + k] as number) * (uv[ur + k] as number)
            dh[a] = s
            if (t === 0) continue
            const ha = out[prev + a] as number
            if (ha !== 0)
              for (let k = 0; k < G; k++)
                du[ur + k] = (du[ur + k] as number) + ha * (dx[row + k] as number)
          }
        }
      }
      return [tf.tensor3d(dx, [B, T, G]), tf.tensor2d(du, [H, G])]
    }
    return { value: tf.tensor3d(out, [B, T, H]), gradFunc }
  })
  return op(xs, u) as tf.Tensor3D
}
