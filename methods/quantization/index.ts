/** The quantization methods (survey of Gholami et al. 2021), listed explicitly. */
import { quantInteger } from './integer-subject.ts'
import { quantMixed } from './mixed-subject.ts'
import { quantPtq } from './ptq-subject.ts'
import { quantQat } from './qat-subject.ts'

export { quantInteger } from './integer-subject.ts'
export { quantMixed } from './mixed-subject.ts'
export { quantPtq } from './ptq-subject.ts'
export { quantQat } from './qat-subject.ts'

export const quantizationMethods = [quantPtq, quantQat, quantMixed, quantInteger] as const
