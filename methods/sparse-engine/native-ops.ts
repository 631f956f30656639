/**
 * The dense operators the sparse engine runs around its generated kernels, as one small C
 * library compiled once by the system compiler (cached by source hash) and called through koffi.
 * Activations are feature-major (d x T: one row per feature, tokens contiguous), the layout of
 * the generated kernels' X and Y.
 *
 *   dense_gemm      Y = W·X (+bias, ReLU) on W packed by `packRows` (6-row blocks, k-major),
 *                   6 rows x 2 vectors of 16 lanes with AVX-512, 8 without: the kernel chosen
 *                   for layers too dense to gain, and attention's two products
 *   attention       multi-head softmax(Qᵀ·K / √dh)·Vᵀ from a fused [Q; K; V] (3d x T) buffer,
 *                   both products through dense_gemm on packed heads, softmax vectorised
 *   add_layernorm   X = LN(X + A)·γ + β over features, per token (post-LN residual)
 *   layernorm       X = LN(X)·γ + β (the residual already added by a kernel epilogue)
 */
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import koffi from 'koffi'
import { nativeToolchain } from './codegen-c.ts'

const SOURCE = `
#include <math.h>
#include <string.h>

typedef float v8 __attribute__((vector_size(32)));
typedef int vi8 __attribute__((vector_size(32)));

static inline v8 ld8(const float *p) { v8 v; memcpy(&v, p, 32); return v; }
static inline void st8(float *p, v8 v) { memcpy(p, &v, 32); }

/* The GEMM's vector: 16 lanes where the CPU has AVX-512 (twice the columns per FMA), else 8. */
#if defined(__AVX512F__)
#define GW 16
#else
#define GW 8
#endif
typedef float vg __attribute__((vector_size(GW * 4)));
typedef int vgi __attribute__((vector_size(GW * 4)));
/* Unaligned vector access through a may_alias type. */
typedef float vgu __attribute__((vector_size(GW * 4), aligned(4), may_alias));
static inline vg ldg(const float *p) { return *(const vgu *)p; }
static inline void stg(float *p, vg v) { *(vgu *)p = v; }

/* Y = W·X (+b, ReLU) with W packed by pack_rows: blocks of 6 rows, k-major inside a block.
 * Register tile 6 rows x 2 vectors (12 accumulators); leftover columns go scalar. The loops are
 * vectorised by hand: GCC's -O3 vectoriser kept the two X vectors in stack slots inside the k
 * loop here (20 loads per 12 FMAs; 52 GFLOP/s on 768 x 768 x 128 with AVX-512). */
__attribute__((optimize("no-tree-vectorize")))
void dense_gemm(const float *restrict Wp, const float *restrict X, float *restrict Y,
                const float *restrict b, int M, int K, int N, int relu) {
  int nv = N / (2 * GW) * (2 * GW);
  for (int i0 = 0; i0 < M; i0 += 6) {
    int rows = M - i0 < 6 ? M - i0 : 6;
    const float *wb = Wp + (long)i0 * K;
    float bias[6];
    for (int r = 0; r < 6; r++) bias[r] = (r < rows && b) ? b[i0 + r] : 0.0f;
    for (int n0 = 0; n0 < nv; n0 += 2 * GW) {
#define ACC(r) vg a##r##0 = (vg){} + bias[r], a##r##1 = (vg){} + bias[r];
      ACC(0) ACC(1) ACC(2) ACC(3) ACC(4) ACC(5)
#undef ACC
      for (int k = 0; k < K; k++) {
        vg x0 = ldg(X + (long)k * N + n0), x1 = ldg(X + (long)k * N + n0 + GW);
        const float *w = wb + (long)k * 6;
#define FMA(r) { vg wr = (vg){} + w[r]; a##r##0 += wr * x0; a##r##1 += wr * x1; }
        FMA(0) FMA(1) FMA(2) FMA(3) FMA(4) FMA(5)
#undef FMA
      }
      vg a[6][2] = {{a00, a01}, {a10, a11}, {a20, a21}, {a30, a31}, {a40, a41}, {a50, a51}};
      for (int r = 0; r < rows; r++)
        for (int v = 0; v < 2; v++) {
          vg y = a[r][v];
          if (relu) y = (vg)((vgi)y & (y > (vg){}));
          stg(Y + (long)(i0 + r) * N + n0 + GW * v, y);
        }
    }
    for (int n = nv; n < N; n++)
      for (int r = 0; r < rows; r++) {
        float acc = bias[r];
        for (int k = 0; k < K; k++) acc += wb[(long)k * 6 + r] * X[(long)k * N + n];
        Y[(long)(i0 + r) * N + n] = relu && acc < 0.0f ? 0.0f : acc;
      }
  }
}

/* exp(x) for a vector, x <= 0 after the max is subtracted: x = n·ln2 + r, |r| <= ln2/2, a degree-6
 * Taylor polynomial for e^r (relative error ~1e-7), 2^n through the exponent bits; x < -87 gives 0. */
static inline v8 vexp(v8 x) {
  vi8 under = x < -87.0f;
  x = (v8)(((vi8)x & ~under) | ((vi8)((v8){} - 87.0f) & under));
  v8 t = x * 1.44269504f + 0.5f;
  v8 f = __builtin_convertvector(__builtin_convertvector(t, vi8), v8);
  f = f - (v8)((vi8)((v8){} + 1.0f) & (f > t));
  v8 r = x - f * 0.693145752f;
  r = r - f * 1.42860677e-6f;
  v8 p = (v8){} + 1.38888889e-3f;
  p = p * r + 8.33333333e-3f;
  p = p * r + 4.16666667e-2f;
  p = p * r + 1.66666667e-1f;
  p = p * r + 0.5f;
  p = p * r + 1.0f;
  p = p * r + 1.0f;
  vi8 e = (__builtin_convertvector(f, vi8) + 127) << 23;
  v8 y = p * (v8)e;
  return (v8)((vi8)y & ~under);
}

/* Multi-head attention on feature-major Q, K, V (each d x T, head h = rows h·dh .. h·dh+dh-1):
 *   St = (K_hᵀ·Q_h)/√dh   (T x T, row j = key, tokens i contiguous) by dense_gemm on packed K_hᵀ
 *   softmax over j for every i, vectorised across i (columns of St)
 *   O_h = V_h·St          (dh x T) by dense_gemm on packed V_h, written into out's rows
 * scratch: T·T + 6·ceil(T/6)·dh + 6·ceil(dh/6)·T + 2·T floats (attention_scratch). */
void attention(const float *restrict qkv, float *restrict out, float *restrict S,
               int T, int d, int H) {
  int dh = d / H;
  float scale = 1.0f / sqrtf((float)dh);
  float *St = S;
  float *Kp = St + (long)T * T;
  float *Vp = Kp + (long)((T + 5) / 6) * 6 * dh;
  float *m = Vp + (long)((dh + 5) / 6) * 6 * T;
  float *z = m + T;
  int tv = T / 8 * 8;
  for (int h = 0; h < H; h++) {
    const float *Q = qkv + (long)h * dh * T;
    const float *K = qkv + (long)d * T + (long)h * dh * T;
    const float *V = qkv + 2L * d * T + (long)h * dh * T;
    /* K_hᵀ packed (T x dh, scaled) in 6-row blocks, k-major; zero rows pad the last block. */
    for (int j0 = 0; j0 < T; j0 += 6)
      for (int c = 0; c < dh; c++)
        for (int r = 0; r < 6; r++)
          Kp[((long)(j0 / 6) * dh + c) * 6 + r] = j0 + r < T ? K[(long)c * T + j0 + r] * scale : 0.0f;
    dense_gemm(Kp, Q, St, 0, T, dh, T, 0);
    for (int i = 0; i < T; i++) { m[i] = -3.0e38f; z[i] = 0.0f; }
    for (int j = 0; j < T; j++) {
      const float *s = St + (long)j * T;
      for (int i = 0; i < T; i++) m[i] = s[i] > m[i] ? s[i] : m[i];
    }
    for (int j = 0; j < T; j++) {
      float *s = St + (long)j * T;
      int i = 0;
      for (; i < tv; i += 8) {
        v8 e = vexp(ld8(s + i) - ld8(m + i));
        st8(s + i, e);
        st8(z + i, ld8(z + i) + e);
      }
      for (; i < T; i++) { float e = expf(s[i] - m[i]); s[i] = e; z[i] += e; }
    }
    for (int i = 0; i < T; i++) z[i] = 1.0f / z[i];
    for (int j = 0; j < T; j++) {
      float *s = St + (long)j * T;
      for (int i = 0; i < T; i++) s[i] *= z[i];
    }
    for (int c0 = 0; c0 < dh; c0 += 6)
      for (int j = 0; j < T; j++)
        for (int r = 0; r < 6; r++)
          Vp[((long)(c0 / 6) * T + j) * 6 + r] = c0 + r < dh ? V[(long)(c0 + r) * T + j] : 0.0f;
    dense_gemm(Vp, St, out + (long)h * dh * T, 0, dh, T, T, 0);
  }
}

/* X = LN(X + A)·γ + β over features, per token; A may be NULL (the residual was then added by
   the kernel's epilogue). One pass adds and sums, one takes the variance, one normalises. */
static void ln_core(float *restrict X, const float *restrict A, const float *restrict g,
                    const float *restrict b, float *restrict tmp, int d, int T, float eps) {
  float *mean = tmp, *var = tmp + T;
  for (int t = 0; t < T; t++) { mean[t] = 0.0f; var[t] = 0.0f; }
  for (int c = 0; c < d; c++) {
    float *x = X + (long)c * T;
    if (A) {
      const float *a = A + (long)c * T;
      for (int t = 0; t < T; t++) { x[t] += a[t]; mean[t] += x[t]; }
    } else {
      for (int t = 0; t < T; t++) mean[t] += x[t];
    }
  }
  for (int t = 0; t < T; t++) mean[t] /= (float)d;
  for (int c = 0; c < d; c++) {
    const float *x = X + (long)c * T;
    for (int t = 0; t < T; t++) { float u = x[t] - mean[t]; var[t] += u * u; }
  }
  for (int t = 0; t < T; t++) var[t] = 1.0f / sqrtf(var[t] / (float)d + eps);
  for (int c = 0; c < d; c++) {
    float *x = X + (long)c * T;
    float gc = g[c], bc = b[c];
    for (int t = 0; t < T; t++) x[t] = (x[t] - mean[t]) * var[t] * gc + bc;
  }
}

void layernorm(float *restrict X, const float *restrict g, const float *restrict b,
               float *restrict tmp, int d, int T, float eps) {
  ln_core(X, 0, g, b, tmp, d, T, eps);
}

void add_layernorm(float *restrict X, const float *restrict A, const float *restrict g,
                   const float *restrict b, float *restrict tmp, int d, int T, float eps) {
  ln_core(X, A, g, b, tmp, d, T, eps);
}
`

/** Floats of the scratch buffer `attention` needs. */
export function attentionScratch(T: number, d: number, heads: number): number {
  const dh = d / heads
  return T * T + 6 * Math.ceil(T / 6) * dh + 6 * Math.ceil(dh / 6) * T + 2 * T
}

/** Rows of the dense GEMM's register tile. */
export const GEMM_ROWS = 6

/** W (M x K) packed for `denseGemm`: blocks of 6 rows (zero-padded), k-major in a block. */
export function packRows(w: Float32Array, M: number, K: number): Float32Array {
  const blocks = Math.ceil(M / GEMM_ROWS)
  const out = new Float32Array(blocks * GEMM_ROWS * K)
  for (let i = 0; i < M; i++) {
    const b = Math.floor(i / GEMM_ROWS)
    const r = i % GEMM_ROWS
    for (let k = 0; k < K; k++) out[(b * K + k) * GEMM_ROWS + r] = w[i * K + k] as number
  }
  return out
}

/** The loaded operators. */
export interface NativeOps {
  /** `packed` from `packRows(W, M, K)`. */
  denseGemm(
    packed: Float32Array,
    x: Float32Array,
    y: Float32Array,
    bias: Float32Array | null,
    M: number,
    K: number,
    N: number,
    relu: boolean,
  ): void
  /** qkv: 3d x T; out: d x T; scratch: at least `attentionScratch(T, d, heads)` floats. */
  attention(
    qkv: Float32Array,
    out: Float32Array,
    scratch: Float32Array,
    T: number,
    d: number,
    heads: number,
  ): void
  /** x = LN(x + a)·γ + β; tmp: at least 2T. */
  addLayerNorm(
    x: Float32Array,
    a: Float32Array,
    gamma: Float32Array,
    beta: Float32Array,
    tmp: Float32Array,
    d: number,
    T: number,
    eps: number,
  ): void
  /** x = LN(x)·γ + β per token over features; tmp: at least 2T. */
  layerNorm(
    x: Float32Array,
    gamma: Float32Array,
    beta: Float32Array,
    tmp: Float32Array,
    d: number,
    T: number,
    eps: number,
  ): void
  dispose(): void
}

const FLAGS = ['-O3', '-march=native', '-ffast-math', '-fPIC', '-shared']

/** Compiles (or finds in the cache) and loads the operators; throws without a C compiler. */
export function loadNativeOps(cacheDir = join(tmpdir(), 'effbench-sparse')): NativeOps {
  const tc = nativeToolchain()
  if (typeof tc === 'string') throw new Error(`Cannot build the engine's dense operators: ${tc}`)
  const key = createHash('sha256')
    .update(SOURCE)
    .update(FLAGS.join(' '))
    .update(tc.version)
    .digest('hex')
    .slice(0, 24)
  mkdirSync(cacheDir, { recursive: true })
  const library = join(cacheDir, `ops-${key}.so`)
  if (!existsSync(library)) {
    const work = mkdtempSync(join(tmpdir(), 'effbench-ops-'))
    try {
      writeFileSync(join(work, 'ops.c'), SOURCE)
      const tmp = join(work, 'ops.so')
      execFileSync(tc.compiler, [...FLAGS, join(work, 'ops.c'), '-o', tmp, '-lm'])
      renameSync(tmp, library)
    } finally {
      rmSync(work, { recursive: true, force: true })
    }
  }
  const lib = koffi.load(library)
  const gemm = lib.func(
    'void dense_gemm(const float *Wp, const float *X, float *Y, const float *b, int M, int K, int N, int relu)',
  )
  const attn = lib.func(
    'void attention(const float *qkv, float *out, float *S, int T, int d, int H)',
  )
  const ln = lib.func(
    'void add_layernorm(float *X, const float *A, const float *g, const float *b, float *tmp, int d, int T, float eps)',
  )
  const lnOnly = lib.func(
    'void layernorm(float *X, const float *g, const float *b, float *tmp, int d, int T, float eps)',
  )
  return {
    layerNorm: (x, g, b, tmp, d, T, eps) => lnOnly(x, g, b, tmp, d, T, eps),
    denseGemm: (w, x, y, bias, M, K, N, relu) => gemm(w, x, y, bias, M, K, N, relu ? 1 : 0),
    attention: (qkv, out, scratch, T, d, heads) => {
      if (scratch.length < attentionScratch(T, d, heads))
        throw new RangeError(
          `Cannot run attention: scratch holds ${scratch.length} floats, needs ${attentionScratch(T, d, heads)}`,
        )
      attn(qkv, out, scratch, T, d, heads)
    },
    addLayerNorm: (x, a, g, b, tmp, d, T, eps) => ln(x, a, g, b, tmp, d, T, eps),
    dispose: () => lib.unload(),
  }
}
