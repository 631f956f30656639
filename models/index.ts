/** The model zoo: the explicit list handed to the harness, and the public face of models/. */
import { cnn } from './cnn.ts'
import { decoder } from './decoder.ts'
import { encoder } from './encoder.ts'
import { lenet5 } from './lenet5.ts'
import { mlp } from './mlp.ts'

export { CnnParams, cnn } from './cnn.ts'
export * from './cost.ts'
export { DecoderParams, decoder } from './decoder.ts'
export { EncoderParams, encoder } from './encoder.ts'
export { Lenet5Params, lenet5 } from './lenet5.ts'
export { MlpParams, mlp } from './mlp.ts'
export * from './train.ts'
export { DotProductAttention, PositionEmbedding } from './transformer-layers.ts'
export * from './zoo-model.ts'

/** Every zoo model, in a fixed order. */
export const models = [mlp, lenet5, cnn, encoder, decoder] as const
