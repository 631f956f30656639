/**
 * deploy/: the Kubernetes manifests validate against the Kubernetes API schemas (offline, the
 * JSON schemas shipped in `kubernetes-models`) and agree with each other; the Slurm scripts parse
 * and wire the array to its merge job. The real Slurm run is scripts/slurm-check.sh (not here).
 */
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { Job } from 'kubernetes-models/batch/v1'
import { PersistentVolumeClaim } from 'kubernetes-models/v1'
import { parseAllDocuments } from 'yaml'

const root = join(import.meta.dirname, '..')
const k8s = join(root, 'deploy', 'k8s')

interface Manifest {
  apiVersion: string
  kind: string
  metadata: { name: string }
  // biome-ignore lint/suspicious/noExplicitAny: a parsed manifest, checked by the schema below
  spec: any
}

function load(file: string): Manifest[] {
  return parseAllDocuments(readFileSync(join(k8s, file), 'utf8')).map((d) => {
    assert.equal(d.errors.length, 0, `${file}: ${d.errors.map(String).join('; ')}`)
    return d.toJS() as Manifest
  })
}

/** Validates a manifest against the schema of its kind; throws with the schema's message. */
function validate(m: Manifest): void {
  const key = `${m.apiVersion}/${m.kind}`
  if (key === 'batch/v1/Job') new Job(m as never).validate()
  else if (key === 'v1/PersistentVolumeClaim') new PersistentVolumeClaim(m as never).validate()
  else throw new Error(`no schema wired for ${key}`)
}

const env = (job: Manifest, name: string): string | undefined =>
  job.spec.template.spec.containers[0].env.find((e: { name: string }) => e.name === name)?.value

test('every manifest under deploy/k8s validates against the Kubernetes schema', () => {
  for (const file of ['volume.yaml', 'shards-job.yaml', 'merge-job.yaml']) {
    const docs = load(file)
    assert.ok(docs.length > 0, `${file} holds no manifest`)
    for (const m of docs) assert.doesNotThrow(() => validate(m), `${file}: ${m.kind}`)
  }
})

test('the schema check can fail: a Job with a non-integer completions count is rejected', () => {
  const [job] = load('shards-job.yaml')
  const broken = structuredClone(job) as Manifest
  broken.spec.completions = 'four'
  assert.throws(() => validate(broken), /completions/)
  const noContainers = structuredClone(job) as Manifest
  delete noContainers.spec.template.spec.containers
  assert.throws(() => validate(noContainers), /containers/)
})

test('the shard Job is Indexed, one shard per index, on the volume the merge Job reads', () => {
  const [pvc] = load('volume.yaml')
  const [shards] = load('shards-job.yaml')
  const [merge] = load('merge-job.yaml')
  assert.ok(pvc && shards && merge)
  assert.equal(shards.spec.completionMode, 'Indexed')
  // effbench reads JOB_COMPLETION_INDEX with EFFBENCH_SHARD_COUNT; the count must be the Job's.
  assert.equal(env(shards, 'EFFBENCH_SHARD_COUNT'), String(shards.spec.completions))
  assert.equal(env(merge, 'EFFBENCH_SHARD_COUNT'), String(shards.spec.completions))
  assert.equal(env(merge, 'EFFBENCH_RUN'), env(shards, 'EFFBENCH_RUN'))
  assert.match(shards.spec.template.spec.containers[0].args.join(' '), /JOB_COMPLETION_INDEX/)
  assert.ok(pvc.spec.accessModes.includes('ReadWriteMany'))
  for (const job of [shards, merge]) {
    const pod = job.spec.template.spec
    assert.equal(pod.volumes[0].persistentVolumeClaim.claimName, pvc.metadata.name)
    assert.equal(pod.containers[0].volumeMounts[0].mountPath, '/results')
    assert.equal(pod.restartPolicy, 'Never')
  }
})

test('the Slurm scripts parse, and the merge job depends on the whole array', () => {
  for (const f of ['shard.sbatch', 'merge.sbatch', 'submit.sh']) {
    const r = spawnSync('bash', ['-n', join(root, 'deploy', 'slurm', f)], { encoding: 'utf8' })
    assert.equal(r.status, 0, `${f}: ${r.stderr}`)
  }
  const submit = readFileSync(join(root, 'deploy', 'slurm', 'submit.sh'), 'utf8')
  assert.match(submit, /--array="0-\$\(\(shards - 1\)\)"/)
  assert.match(submit, /--dependency="afterok:\$array"/)
  const shard = readFileSync(join(root, 'deploy', 'slurm', 'shard.sbatch'), 'utf8')
  assert.match(shard, /shard-\$SLURM_ARRAY_TASK_ID/)
})
