/** Every method, listed explicitly. */
import type { AnySubject } from '../harness/types.ts'

export const methods: readonly AnySubject[] = []
