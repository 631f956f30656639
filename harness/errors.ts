/**
 * One error type for everything a user can get wrong (a malformed suite, an unknown name, a bad
 * flag, a corrupted record file). The CLI prints `error[<code>]: <message>` on one line and exits 2;
 * the stack is shown only with --verbose.
 *
 * Wording: the failed action, then the state, values quoted, no trailing period:
 *   Cannot load suite "pam": methods[0].params.alpha must be > 0
 */
export const ErrorCode = {
  suite: 'suite',
  unknownName: 'unknown-name',
  duplicateName: 'duplicate-name',
  usage: 'usage',
  records: 'records',
  dataset: 'dataset',
  device: 'device',
  merge: 'merge',
} as const
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode]

export class EffbenchError extends Error {
  readonly code: ErrorCode
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'EffbenchError'
    this.code = code
  }
}

/** `"a", "b", "c"` for error messages. */
export function quoteList(names: readonly string[]): string {
  return names.map((n) => `"${n}"`).join(', ')
}
