/** Every baseline, listed explicitly: one line per baseline folder (its index.ts exports `subjects`). */
import type { AnySubject } from '../harness/types.ts'
import * as approxUniform from './approx-uniform/index.ts'
import * as bidaf from './bidaf/index.ts'
import * as centralitySingleTask from './centrality-single-task/index.ts'
import * as complex from './complex/index.ts'
import * as crossEntropy from './cross-entropy/index.ts'
import * as csrSpmm from './csr-spmm/index.ts'
import * as deepwalkLayers from './deepwalk-layers/index.ts'
import * as degreeHeuristic from './degree-heuristic/index.ts'
import * as denseFfn from './dense-ffn/index.ts'
import * as fcn from './fcn/index.ts'
import * as fp32 from './fp32/index.ts'
import * as glore from './glore/index.ts'
import * as louvain from './louvain/index.ts'
import * as mtz from './mtz/index.ts'
import * as noMerge from './no-merge/index.ts'
import * as nonLocal from './non-local/index.ts'
import * as ntp from './ntp/index.ts'
import * as onnxruntimeDense from './onnxruntime-dense/index.ts'
import * as onnxruntimeEncoder from './onnxruntime-encoder/index.ts'
import * as onnxruntimeMatmul from './onnxruntime-matmul/index.ts'
import * as seBlock from './se-block/index.ts'
import * as spectralMeanLaplacian from './spectral-mean-laplacian/index.ts'
import * as switchFfn from './switch/index.ts'
import * as tfjsDense from './tfjs-dense/index.ts'
import * as tfjsTraining from './tfjs-training/index.ts'

const faces: readonly { subjects: readonly AnySubject[] }[] = [
  onnxruntimeDense,
  tfjsDense,
  tfjsTraining,
  noMerge,
  mtz,
  fp32,
  bidaf,
  crossEntropy,
  onnxruntimeMatmul,
  csrSpmm,
  onnxruntimeEncoder,
  deepwalkLayers,
  louvain,
  spectralMeanLaplacian,
  centralitySingleTask,
  degreeHeuristic,
  approxUniform,
  switchFfn,
  denseFfn,
  fcn,
  glore,
  nonLocal,
  seBlock,
  ntp,
  complex,
]

export const baselines: readonly AnySubject[] = faces.flatMap((f) => f.subjects)
