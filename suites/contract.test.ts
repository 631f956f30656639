import { test } from 'node:test'
import { registries } from '../effbench.ts'
import { checkSuiteContract } from '../harness/testing/contract.ts'
import { suites } from './index.ts'

// One test per registered suite: every subject runs on the suite's smoke configuration.
for (const suite of suites) {
  test(`suite "${suite.name}" passes the subject contract on its smoke profile`, async () => {
    await checkSuiteContract(suite, registries)
  })
}
