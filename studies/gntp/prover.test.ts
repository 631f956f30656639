import assert from 'node:assert/strict'
import { test } from 'node:test'
import { buildCountriesKb } from '../../datasets/countries-kb.ts'
import { buildKinshipKb } from '../../datasets/kinship-kb.ts'
import { Rng } from '../../harness/run/rng.ts'
import { AnchoredIndex } from './anchored-index.ts'
import { explainProof } from './explain.ts'
import { ExhaustiveFacts, KnnFacts, rowD2 } from './fact-source.ts'
import { buildNeuralKb } from './neural-kb.ts'
import { accumulate, goalLoss, RowGrad } from './objective.ts'
import { bottleneck, Prover, proofKernels } from './prover.ts'
import { RankingScorer } from './ranking-scorer.ts'

const kinship = () =>
  buildKinshipKb(3, { facts: 300, generations: 3, testShare: 0.1, devShare: 0.1, instances: 2 })

test('AnchoredIndex returns exactly the brute-force nearest facts, both key shapes', () => {
  const kb = kinship()
  const nkb = buildNeuralKb(kb, { dim: 4, init: 1, rng: new Rng(1) })
  const { W, dim, fp, fs, fo, entityBase, rows } = nkb
  for (const M of [3, 1000]) {
    const index = new AnchoredIndex(
      W,
      dim,
      entityBase,
      rows - entityBase,
      nkb.nRel,
      fp,
      fs,
      fo,
      M,
      8,
    )
    const out = new Int32Array(8)
    for (let t = 0; t < 40; t++) {
      const [p, s, o] = [
        t % entityBase,
        entityBase + ((t * 7) % 40),
        t % 2 ? -1 : entityBase + ((t * 3) % 40),
      ]
      const d = (f: number) =>
        rowD2(W, dim, p, fp[f] as number) +
        rowD2(W, dim, s, fs[f] as number) +
        (o < 0 ? 0 : rowD2(W, dim, o, fo[f] as number))
      const brute = Array.from(fp, (_, f) => f)
        .sort((a, b) => d(a) - d(b))
        .slice(0, 5)
      const got = index.query(p, s, o, 5, out)
      assert.deepEqual(Array.from(out.subarray(0, got)).map(d), brute.map(d))
    }
    if (M === 1000)
      assert.ok(
        index.distances < 40 * fp.length,
        `queries touch a fraction of the facts: ${index.distances} ${index.fallbacks}`,
      )
  }
})

test('ExhaustiveFacts finds the same best fact and k best partial matches as a plain scan', () => {
  const kb = kinship()
  const nkb = buildNeuralKb(kb, { dim: 4, init: 1, rng: new Rng(2) })
  const { W, dim, fp, fs, fo, entityBase } = nkb
  const src = new ExhaustiveFacts(nkb)
  const idx = new Int32Array(4)
  const d2 = new Float64Array(4)
  for (let t = 0; t < 30; t++) {
    const [p, s, o, mask] = [
      t % entityBase,
      entityBase + ((t * 7) % 40),
      entityBase + ((t * 3) % 40),
      t % 5,
    ]
    const full = (f: number) =>
      rowD2(W, dim, p, fp[f] as number) +
      rowD2(W, dim, s, fs[f] as number) +
      rowD2(W, dim, o, fo[f] as number)
    const half = (f: number) =>
      rowD2(W, dim, p, fp[f] as number) + rowD2(W, dim, s, fs[f] as number)
    const facts = Array.from(fp, (_, f) => f).filter((f) => f !== mask)
    const best = facts.reduce((a, b) => (full(b) < full(a) ? b : a))
    assert.equal(src.ground(p, s, o, mask), best)
    assert.equal(src.lastD2, full(best))
    const n = src.partial(p, s, 4, mask, idx, d2)
    const brute = facts
      .map(half)
      .sort((a, b) => a - b)
      .slice(0, 4)
    assert.deepEqual(Array.from(d2.subarray(0, n)), brute)
    assert.deepEqual(Array.from(idx.subarray(0, n)).map(half), brute)
  }
})

test('the gradient of the max-proof loss matches finite differences', () => {
  const kb = kinship()
  const nkb = buildNeuralKb(kb, { dim: 5, init: 0.5, rng: new Rng(2) })
  const prover = new Prover(nkb, new ExhaustiveFacts(nkb), { kBind: 3, cycleGuard: true })
  const lossAt = (p: number, s: number, o: number, y: boolean) =>
    goalLoss(prover.prove(p, s, o).cost, y).loss
  let checked = 0
  for (let g = 0; g < 12; g++) {
    const f = (g * 7) % nkb.fp.length
    const y = g % 2 === 0
    const [p, s] = [nkb.fp[f] as number, nkb.fs[f] as number]
    const o = y ? (nkb.fo[f] as number) : nkb.entityBase + ((g * 13) % kb.entities.length)
    const proof = prover.prove(p, s, o)
    const bn = bottleneck(proofKernels(nkb, p, s, o, proof))
    assert.ok(Math.abs(bn.d2 - proof.cost) < 1e-9, 'recomputed bottleneck equals the proof cost')
    const grad = new RowGrad(nkb.rows, nkb.dim)
    accumulate(nkb, bn, goalLoss(bn.d2, y).dD2, grad)
    for (const row of grad.touched) {
      for (const j of [0, 3]) {
        const i = row * nkb.dim + j
        const w = nkb.W[i] as number
        const h = 1e-3
        nkb.W[i] = w + h
        const up = lossAt(p, s, o, y)
        nkb.W[i] = w - h
        const down = lossAt(p, s, o, y)
        nkb.W[i] = w
        const fd = (up - down) / (2 * h)
        const an = grad.g[i] as number
        assert.ok(
          Math.abs(fd - an) < 2e-3 * Math.max(1, Math.abs(fd)),
          `row ${row}: fd ${fd} vs ${an}`,
        )
        checked++
      }
    }
  }
  assert.ok(checked > 20)
})

test('GNTP with every rule head and a fresh exact index proves what NTP proves', () => {
  const kb = kinship()
  const nkb = buildNeuralKb(kb, { dim: 4, init: 1, rng: new Rng(4) })
  const ntp = new Prover(nkb, new ExhaustiveFacts(nkb), { kBind: 4, cycleGuard: true })
  const gntp = new Prover(nkb, new KnnFacts(nkb, 4, 8), {
    kBind: 4,
    kRules: nkb.rules.length,
    cycleGuard: true,
  })
  for (let g = 0; g < 40; g++) {
    const [p, s, o] = [
      g % nkb.nRel,
      nkb.entityBase + ((g * 5) % 30),
      nkb.entityBase + ((g * 11) % 30),
    ]
    assert.ok(Math.abs(ntp.prove(p, s, o).cost - gntp.prove(p, s, o).cost) < 1e-9)
  }
  assert.ok(gntp.source.unifications < ntp.source.unifications / 10)
})

test('RankingScorer gives the prover score of every candidate, both directions', () => {
  const kb = kinship()
  const nkb = buildNeuralKb(kb, { dim: 4, init: 1, rng: new Rng(6) })
  for (const opts of [
    { kBind: 3, cycleGuard: true },
    { kBind: 2, kRules: 3, cycleGuard: true },
  ]) {
    const prover = new Prover(nkb, new ExhaustiveFacts(nkb), opts)
    const scorer = new RankingScorer(nkb, opts)
    const E = kb.entities.length
    for (const [p, a] of [
      [3, 5],
      [4, 17],
      [7, 2],
    ] as const) {
      const objs = scorer.costs(p, a, 'object')
      const subs = scorer.costs(p, a, 'subject')
      for (let c = 0; c < E; c += 7) {
        const e = nkb.entityBase
        assert.ok(Math.abs((objs[c] as number) - prover.prove(p, e + a, e + c).cost) < 1e-6)
        assert.ok(Math.abs((subs[c] as number) - prover.prove(p, e + c, e + a).cost) < 1e-6)
      }
    }
  }
})

test('the leave-one-out mask stops a training fact from proving itself', () => {
  const kb = kinship()
  const nkb = buildNeuralKb(kb, { dim: 4, init: 1, rng: new Rng(7) })
  const prover = new Prover(nkb, new ExhaustiveFacts(nkb), { kBind: 3, cycleGuard: true })
  const [p, s, o] = [nkb.fp[0] as number, nkb.fs[0] as number, nkb.fo[0] as number]
  const open = prover.prove(p, s, o)
  assert.equal(open.cost, 0)
  const masked = prover.prove(p, s, o, 0)
  assert.ok(masked.cost > 0)
  assert.ok(!(masked.rule < 0 && masked.facts[0] === 0))
})

test('explainProof() prints the best proof path of a Countries goal, rule and facts', () => {
  const kb = buildCountriesKb(1, { split: 'S1', heldOut: 24, mentions: 0, mentionMode: 'mentions' })
  const nkb = buildNeuralKb(kb, { dim: 4, init: 1, rng: new Rng(8) })
  // Make the tied chain rule an exact copy of locatedIn so the 2-hop proof is perfect.
  const [rule] = nkb.rules.filter((r) => r.shape === 'tiedChain2')
  for (const row of [rule?.head, rule?.body[0]] as number[]) nkb.W.copyWithin(row * 4, 0, 4)
  const prover = new Prover(nkb, new ExhaustiveFacts(nkb), { kBind: 5, cycleGuard: true })
  const [, c, r] = kb.test[0] as [number, number, number]
  const e = nkb.entityBase
  const proof = prover.prove(0, e + c, e + r)
  const text = explainProof(kb, nkb, [0, e + c, e + r], proof)
  assert.match(text, /via rule/)
  assert.match(text, /\(subregion\)/)
  assert.ok(text.includes(kb.entities[c] as string))
})
