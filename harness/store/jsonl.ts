/**
 * Append-only JSONL record files.
 *
 * Writing: each record is one `write` of one complete line to a file opened for appending, then
 * fsync'd, so a crash leaves every earlier line intact. If the file's last line was cut short by
 * an earlier crash, a newline is written first so the new record starts on a line of its own; the
 * damaged line stays where it is (records are never rewritten) and is reported on read.
 *
 * Reading: every line is parsed and validated; bad lines are returned as problems with their line
 * number, and the good lines around them are still read.
 */
import {
  closeSync,
  existsSync,
  fstatSync,
  fsyncSync,
  openSync,
  readFileSync,
  readSync,
  writeSync,
} from 'node:fs'
import { describeZodError } from '../spec/schema.ts'
import { type TrialRecord, TrialRecordSchema } from './record.ts'

export interface RecordProblem {
  file: string
  line: number
  message: string
}

export interface ReadResult {
  records: TrialRecord[]
  problems: RecordProblem[]
}

function endsWithNewline(fd: number): boolean {
  const size = fstatSync(fd).size
  if (size === 0) return true
  const buf = Buffer.alloc(1)
  readSync(fd, buf, 0, 1, size - 1)
  return buf[0] === 0x0a
}

/** Append one record as one line; durable when this returns. */
export function appendRecord(file: string, record: TrialRecord): void {
  const fd = openSync(file, 'a+')
  try {
    const line = `${JSON.stringify(record)}\n`
    writeSync(fd, endsWithNewline(fd) ? line : `\n${line}`)
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}

/** Parse a records file; a missing file reads as empty. */
export function readRecords(file: string): ReadResult {
  if (!existsSync(file)) return { records: [], problems: [] }
  const text = readFileSync(file, 'utf8')
  const lines = text.split('\n')
  const records: TrialRecord[] = []
  const problems: RecordProblem[] = []
  lines.forEach((line, i) => {
    if (line.trim() === '') return
    const isLast = i === lines.length - 1
    let json: unknown
    try {
      json = JSON.parse(line)
    } catch {
      problems.push({
        file,
        line: i + 1,
        message: isLast
          ? 'truncated last line (a run was interrupted while writing?)'
          : 'not valid JSON',
      })
      return
    }
    const parsed = TrialRecordSchema.safeParse(json)
    if (parsed.success) records.push(parsed.data)
    else
      problems.push({
        file,
        line: i + 1,
        message: `not a valid record: ${describeZodError(parsed.error)}`,
      })
  })
  return { records, problems }
}

/** `results/x/records.jsonl:7: truncated last line (...)` */
export function formatProblem(p: RecordProblem): string {
  return `${p.file}:${p.line}: ${p.message}`
}
