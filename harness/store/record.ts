/**
 * The record: one JSON line per finished trial, immutable once written. Validated on read, so
 * a hand-edited or corrupted file is reported line by line instead of poisoning a report.
 */
import { z } from 'zod'

export const RECORD_SCHEMA_VERSION = 1

const MetricSchema = z.strictObject({
  value: z.number(),
  unit: z.string(),
  better: z.enum(['higher', 'lower']),
  samples: z.array(z.number()).optional(),
})

const EntryRef = z.strictObject({
  id: z.string(),
  name: z.string(),
  params: z.record(z.string(), z.unknown()),
})

export const TrialRecordSchema = z.strictObject({
  schema: z.literal(RECORD_SCHEMA_VERSION),
  key: z.string(),
  configKey: z.string(),
  suite: z.string(),
  profile: z.enum(['smoke', 'default', 'paper']),
  subject: EntryRef.extend({ kind: z.enum(['method', 'baseline']) }),
  dataset: EntryRef.extend({ version: z.string() }),
  repetition: z.number().int().min(0),
  rootSeed: z.number().int(),
  seed: z.number().int(),
  status: z.enum(['ok', 'error', 'skipped']),
  metrics: z.record(z.string(), MetricSchema),
  /** For `error`: the message; for `skipped`: the reason. */
  message: z.string().optional(),
  stack: z.string().optional(),
  annotations: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  codeVersion: z.string(),
  envHash: z.string(),
  startedAt: z.string(),
  durationMs: z.number().min(0),
})

export type TrialRecord = z.output<typeof TrialRecordSchema>
export type TrialStatus = TrialRecord['status']
