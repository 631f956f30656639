/** The registered suites and their groupings. `npm run bench` runs the `default` group. */
import type { SuiteSpec } from '../harness/spec/schema.ts'
import denseInference from './dense-inference.suite.ts'

export const suites: readonly SuiteSpec[] = [denseInference]

export const groups: Readonly<Record<string, readonly string[]>> = {
  default: ['dense-inference'],
  smoke: ['dense-inference'],
}
