/** The registered suites and their groupings. `npm run bench` runs the `default` group. */
import type { SuiteSpec } from '../harness/spec/schema.ts'
import denseInference from './dense-inference.suite.ts'
import pam from './pam.suite.ts'
import quantization from './quantization.suite.ts'

export const suites: readonly SuiteSpec[] = [denseInference, pam, quantization]

export const groups: Readonly<Record<string, readonly string[]>> = {
  default: ['dense-inference', 'pam', 'quantization'],
  smoke: ['dense-inference', 'pam', 'quantization'],
}
