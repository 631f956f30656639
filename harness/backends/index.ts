/** Compute backends: tfjs (native | wasm | cpu) for training, onnxruntime-node for inference. */

export {
  createOrtSession,
  type OrtSession,
  type OrtSessionOptions,
  ortExecutionProviders,
} from './onnx.ts'
export { exportToOnnx, ONNX_OPSET, type OnnxExportOptions } from './onnx-export.ts'
export {
  type BackendProbe,
  describeBackends,
  initTfjs,
  type TfjsBackendName,
  type TfjsOptions,
  type TfjsPreference,
  type TfjsRuntime,
} from './tfjs.ts'
export { registerWasmTrainingKernels, WASM_TRAINING_KERNELS } from './wasm-kernels.ts'
