/**
 * Run progress: a one-line bar with ETA on a terminal, plain lines otherwise (CI logs, pipes).
 * The ETA is the mean duration of the trials run so far times the trials left.
 */
export interface ProgressSink {
  write(text: string): void
  isTTY?: boolean
  columns?: number
}

export interface TrialOutcome {
  label: string
  status: 'ok' | 'error' | 'skipped'
  durationMs: number
  message?: string | undefined
}

function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '?'
  const s = Math.round(ms / 1000)
  if (s < 60) return `${(ms / 1000).toFixed(s < 10 ? 1 : 0)}s`
  const m = Math.floor(s / 60)
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`
}

export class RunProgress {
  private done = 0
  private ranMs = 0
  private ran = 0
  private current = ''
  private inner = ''
  private lastInnerWrite = -Infinity

  constructor(
    private readonly sink: ProgressSink,
    private readonly total: number,
    private readonly now: () => number,
  ) {}

  private eta(): string {
    if (this.ran === 0) return 'eta ?'
    return `eta ${formatDuration((this.ranMs / this.ran) * (this.total - this.done))}`
  }

  private redraw(): void {
    if (!this.sink.isTTY) return
    const width = 24
    const filled = this.total === 0 ? width : Math.round((this.done / this.total) * width)
    const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`
    const line = `${bar} ${this.done}/${this.total} ${this.eta()}  ${this.current}${this.inner ? ` ${this.inner}` : ''}`
    const cols = this.sink.columns ?? 100
    this.sink.write(`\r\x1b[2K${line.slice(0, cols - 1)}`)
  }

  start(label: string): void {
    this.current = label
    this.inner = ''
    this.redraw()
  }

  /** Progress inside the running trial (epochs, batches). */
  update(done: number, total: number, label?: string): void {
    this.inner = `${label ? `${label} ` : ''}${done}/${total}`
    if (this.sink.isTTY) this.redraw()
    else if (this.now() - this.lastInnerWrite > 10_000) {
      this.lastInnerWrite = this.now()
      this.sink.write(`      ${this.current}: ${this.inner}\n`)
    }
  }

  /** A trial already recorded: counted, not timed. */
  skip(): void {
    this.done++
  }

  end(outcome: TrialOutcome): void {
    this.done++
    this.ran++
    this.ranMs += outcome.durationMs
    const tail = outcome.message ? ` (${outcome.message.split('\n')[0]})` : ''
    const line = `[${this.done}/${this.total}] ${outcome.status.padEnd(7)} ${outcome.label} ${formatDuration(outcome.durationMs)} ${this.eta()}${tail}`
    if (this.sink.isTTY) this.sink.write(`\r\x1b[2K${line}\n`)
    else this.sink.write(`${line}\n`)
    this.redraw()
  }

  /** Leave the terminal on a clean line. */
  close(): void {
    if (this.sink.isTTY) this.sink.write('\r\x1b[2K')
  }
}
