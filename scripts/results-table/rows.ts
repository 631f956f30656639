/**
 * The README's results table, one row per study. A row names its record folders under
 * results/reference/ (`records`; re-pointing a row to a new run is a one-line change there) and
 * writes its measured cell as a template in which every number is a query over those records:
 * `r.lm.mean({ subject: 'dense', metric: 'val_ppl' }, 1)` is the mean over seeds of dense's
 * validation perplexity, one decimal. Long detail belongs in results/reference/<dir>/README.md.
 */
import { groups } from '../../suites/index.ts'
import { type Cells, count, defineRow, fmt, type RowSpec, sig, slope, target } from './row.ts'

/**
 * The default profile's trial time per suite, all from one `npm run bench` on a fresh clone
 * (results/reference/bench): suite, folder.
 */
export const DEFAULT_RUNS: readonly { suite: string; dir: string }[] = (groups.default ?? []).map(
  (suite) => ({ suite, dir: 'bench' }),
)

const margin = defineRow({
  study: 'margin (large-margin losses)',
  claim: 'large-margin losses raise margins and robustness; Elsayed wins with little or noisy data',
  records: { mlp: 'margin-bisection' },
  measured: ({ mlp }) => {
    const m = (subject: string, metric: string) => mlp.mean({ subject, metric }, 3)
    return `MLP, 2k MNIST, full data, 3 seeds; ℓ∞ bisection margin (an upper bound on the exact
      distance, tightened by a targeted PGD per competitor class), robust accuracy averaged over
      the ε grid, clean accuracy. Cross-entropy: margin ${m('cross-entropy', 'bisect_linf_mean')},
      robust ${m('cross-entropy', 'robust_linf_avg')}, clean ${m('cross-entropy', 'clean_acc')}.
      Elsayed ℓ∞: ${m('elsayed-linf', 'bisect_linf_mean')} / ${m('elsayed-linf', 'robust_linf_avg')}
      / ${m('elsayed-linf', 'clean_acc')}. MMA: ${m('mma', 'bisect_linf_mean')} /
      ${m('mma', 'robust_linf_avg')} / ${m('mma', 'clean_acc')}. First-order vs bisection Spearman
      ${m('cross-entropy', 'spearman_fo_bisect')} (cross-entropy). The little-data, noisy-label and
      CNN regimes (where Elsayed showed **no win**) are not in committed records`
  },
})

const hashLayers = defineRow({
  study: 'hash-layers (Hash Layers vs Switch, dense)',
  claim:
    'Hash beats Switch, more so with more experts (Reddit: Hash 1×64 ~23.16 vs Switch ~23.65, 1×128 ~22.9 vs ~23.5 valid ppl; dense ~24.9, recalled); balanced ≈ random hashes of the current token beat clustered, bigram, position; balanced load without an aux loss',
  records: { lm: 'hash-layers', zipf: 'hash-layers-zipf' },
  timings: true,
  measured: ({ lm, zipf }) => {
    const ppl = (subject: string, experts?: number) =>
      lm.mean({ subject, metric: 'val_ppl', ...(experts ? { where: { experts } } : {}) }, 1)
    const gap = (k: number) =>
      lm.diff(
        { subject: 'hash-balanced', metric: 'val_ppl', where: { experts: k } },
        { subject: 'switch', metric: 'val_ppl', where: { experts: k } },
        2,
      )
    const gapOf = (k: number) =>
      lm.v({ subject: 'hash-balanced', metric: 'val_ppl', where: { experts: k } }) -
      lm.v({ subject: 'switch', metric: 'val_ppl', where: { experts: k } })
    const gapSlope = slope([2, 4], [gapOf(4), gapOf(16)])
    const load = (subject: string, experts: number) =>
      lm.mean({ subject, metric: 'load_max_mean', where: { experts } }, 2)
    const z = (subject: string) => zipf.mean({ subject, metric: 'val_ppl' }, 1)
    return `Brown corpus, 1k-word vocabulary, d 32, MoE FFN at block 2, 3 seeds. Val ppl: dense
      ${lm.ci({ subject: 'dense', metric: 'val_ppl' }, 1)}; **hash-balanced ${ppl('hash-balanced', 4)}
      (K 4) → ${ppl('hash-balanced', 16)} (K 16), hash-random ${ppl('hash-random', 4)} →
      ${ppl('hash-random', 16)}; Switch ${ppl('switch', 4)} → ${ppl('switch', 16)}** (no aux loss
      ${ppl('switch-no-aux', 4)} → ${ppl('switch-no-aux', 16)}). Hash − Switch ${gap(4)} → ${gap(16)}
      ppl, **slope ${fmt(gapSlope, 2)} per doubling of K**. At K 8: MultiHash ${ppl('multihash')}, clustered ${ppl('hash-clustered')}, bigram
      ${ppl('hash-bigram')}, position ${ppl('hash-position')}, oracle (cheating)
      ${ppl('oracle-cheating')}. Not every MoE arm beats dense: Switch is within noise, bigram ≈
      dense, position worse. Load max/mean: hash-balanced ${load('hash-balanced', 4)} (K 4) but
      ${load('hash-balanced', 16)} (K 16); Switch ${load('switch', 4)} / ${load('switch', 16)},
      without aux ${load('switch-no-aux', 4)} / ${load('switch-no-aux', 16)} (collapse).
      Inference, tokens per CPU-second (median): dense
      ${count(lm.v({ subject: 'dense', metric: 'infer_tokens_per_s' }))}, hash-balanced K 16
      ${count(lm.v({ subject: 'hash-balanced', metric: 'infer_tokens_per_s', where: { experts: 16 } }))},
      Switch K 16 ${count(lm.v({ subject: 'switch', metric: 'infer_tokens_per_s', where: { experts: 16 } }))}.
      Zipfian control (current token is the right feature, K 8): dense ${z('dense')}, Switch
      ${z('switch')}, **hash-balanced ${z('hash-balanced')}, hash-random ${z('hash-random')}**,
      bigram ${z('hash-bigram')}, position ${z('hash-position')}`
  },
})

const squeeze = defineRow({
  study: 'squeeze-reasoning (SR vs non-local, GloRe, SE, FCN)',
  claim:
    'SR near non-local accuracy at a fraction of its cost; non-local O((HW)²), SR linear in HW (82.2 % mIoU Cityscapes, ResNet-101)',
  records: {
    cost: 'squeeze-reasoning',
    hard160: 'squeeze-reasoning-hard160',
    mixed160: 'squeeze-reasoning-mixed160',
    hard320: 'squeeze-reasoning-hard320',
  },
  timings: true,
  measured: ({ cost, hard160, mixed160, hard320 }) => {
    const sides = [16, 32, 64, 128]
    const at = (subject: string, side: number, metric: string, backend = 'tfjs-wasm') =>
      cost.v({ subject, metric, where: { side, variant: 'mixed', backend } })
    const logSlope = (subject: string, metric: string, backend = 'tfjs-wasm') =>
      fmt(
        slope(
          sides.map((s) => Math.log(s * s)),
          sides.map((s) => Math.log(at(subject, s, metric, backend))),
        ),
        2,
      )
    const nlOverSr = (backend: string) =>
      fmt(at('non-local-cost', 128, 'head_ms', backend) / at('sr-cost', 128, 'head_ms', backend), 1)
    const miou = (c: Cells, subject: string, nodes?: number) =>
      c.sd({ subject, metric: 'miou', ...(nodes ? { where: { nodes } } : {}) }, 2)
    return `Composite-digit segmentation (64² canvases, 11 classes), C = 32, C′ = 16.
      **Head alone, batch 1, one thread**: log-log slope vs HW over 16²–128² of peak memory SR
      ${logSlope('sr-cost', 'head_peak_mib')}, GloRe ${logSlope('glore-cost', 'head_peak_mib')},
      non-local ${logSlope('non-local-cost', 'head_peak_mib')}; of latency (noisy) SR
      ${logSlope('sr-cost', 'head_ms')}, GloRe ${logSlope('glore-cost', 'head_ms')}, non-local
      ${logSlope('non-local-cost', 'head_ms')}. **Non-local/SR latency at 128²:
      ${nlOverSr('tfjs-wasm')}× on tfjs wasm, ${nlOverSr('onnxruntime')}× on onnxruntime-node** (the
      head's exported ONNX graph, checked equal to tfjs; latency slopes there SR
      ${logSlope('sr-cost', 'head_ms', 'onnxruntime')}, GloRe ${logSlope('glore-cost', 'head_ms', 'onnxruntime')},
      non-local ${logSlope('non-local-cost', 'head_ms', 'onnxruntime')}; peak resident memory of one call
      slope SR ${logSlope('sr-cost', 'head_rss_mib', 'onnxruntime')}, non-local
      ${logSlope('non-local-cost', 'head_rss_mib', 'onnxruntime')})
      (${fmt(at('non-local-cost', 128, 'head_gmacs'), 2)} vs ${fmt(at('sr-cost', 128, 'head_gmacs'), 3)}
      GMAC). **GloRe is cheaper than SR at these widths**:
      ${fmt(at('glore-cost', 128, 'head_gmacs') / at('sr-cost', 128, 'head_gmacs'), 2)}× the MACs and
      ${fmt(at('glore-cost', 128, 'head_ms') / at('sr-cost', 128, 'head_ms'), 2)}× the latency at 128² on tfjs,
      ${fmt(at('glore-cost', 128, 'head_ms', 'onnxruntime') / at('sr-cost', 128, 'head_ms', 'onnxruntime'), 2)}× on onnxruntime.
      Accuracy, mIoU mean ± sd over 3 seeds. Hard variant, 160 canvases × 4 epochs: FCN
      ${miou(hard160, 'fcn')}, SE ${miou(hard160, 'se-block')}, non-local ${miou(hard160, 'non-local')},
      GloRe ${miou(hard160, 'glore')}, SR ${miou(hard160, 'sr', 4)} / ${miou(hard160, 'sr', 8)} /
      ${miou(hard160, 'sr', 16)} (4 / 8 / 16 nodes). Mixed variant: FCN ${miou(mixed160, 'fcn')}, SE
      ${miou(mixed160, 'se-block')}, non-local ${miou(mixed160, 'non-local')}, GloRe
      ${miou(mixed160, 'glore')}, SR ${miou(mixed160, 'sr')}. Hard, 320 × 5 epochs: FCN
      ${miou(hard320, 'fcn')}, SE ${miou(hard320, 'se-block')}, non-local ${miou(hard320, 'non-local')},
      GloRe ${miou(hard320, 'glore')}, SR ${miou(hard320, 'sr', 8)} / ${miou(hard320, 'sr', 16)} (8 / 16
      nodes). Every head is near the trivial regime: **not a reproduction of the accuracy claim**`
  },
})

const gnnCentrality = defineRow({
  study: 'gnn-centrality (multitask GNN vs single-task GNNs vs degree heuristic)',
  claim:
    'one RN GNN with four pairwise decoders ≈ 89 % accuracy on random graphs of ≤ 128 vertices (logged training batches: betweenness .877, closeness .847, degree .965, eigenvector .888); generalises to larger and real graphs',
  records: { long: 'gnn-centrality-48steps', dflt: 'gnn-centrality' },
  measured: ({ long, dflt }) => {
    const gnn = (c: Cells, metric: string) => c.mean({ subject: 'gnn-centrality', metric }, 1)
    const single = (c: Cells) => {
      const tasks = ['degree', 'betweenness', 'closeness', 'eigenvector']
      const xs = tasks.map((task) =>
        c.v({ subject: 'gnn-centrality-single-task', metric: 'acc_mean', where: { task } }),
      )
      return fmt(xs.reduce((a, b) => a + b, 0) / xs.length, 1)
    }
    const vsHeuristic = (c: Cells, task: string) =>
      c.diff(
        { subject: 'gnn-centrality', metric: `acc_${task}` },
        { subject: 'centrality-degree-heuristic', metric: `acc_${task}` },
        1,
      )
    const h = (c: Cells, metric: string) =>
      c.mean({ subject: 'centrality-degree-heuristic', metric }, 1)
    return `3 seeds. **Longer setting** (d 32, T 6, 48 steps of 6 graphs): multitask **${long.ci(
      { subject: 'gnn-centrality', metric: 'acc_mean' },
      1,
    )} %** (B ${gnn(long, 'acc_betweenness')}, C ${gnn(long, 'acc_closeness')}, D
      ${gnn(long, 'acc_degree')}, E ${gnn(long, 'acc_eigenvector')}), single-task mean
      ${single(long)}, degree heuristic ${h(long, 'acc_mean')}. GNN − heuristic: closeness
      ${vsHeuristic(long, 'closeness')}, eigenvector ${vsHeuristic(long, 'eigenvector')}, but only
      **${vsHeuristic(long, 'betweenness')} on betweenness (${target(long.v({ subject: 'gnn-centrality', metric: 'acc_betweenness' }) - long.v({ subject: 'centrality-degree-heuristic', metric: 'acc_betweenness' }), '≥', 3)})**; larger graphs
      ${gnn(long, 'extreme_mean')} (drop ${gnn(long, 'drop_extreme')}), unseen families
      ${gnn(long, 'unseen_mean')}, real graphs **${gnn(long, 'real_mean')}**, yet the heuristic scores
      ${h(long, 'real_mean')} on the real graphs. **Default profile** (T 5, 32 steps): ${dflt.ci(
        { subject: 'gnn-centrality', metric: 'acc_mean' },
        1,
      )} (${target(dflt.v({ subject: 'gnn-centrality', metric: 'acc_mean' }), '≥', 85)}), single-task ${single(dflt)}, vs heuristic B ${vsHeuristic(dflt, 'betweenness')}
      / C ${vsHeuristic(dflt, 'closeness')} / E ${vsHeuristic(dflt, 'eigenvector')}, larger-graph
      drop ${gnn(dflt, 'drop_extreme')}, unseen ${gnn(dflt, 'unseen_mean')}, real
      ${gnn(dflt, 'real_mean')}. Paper profile not run: days here`
  },
})

const quantization = defineRow({
  study: 'quantization (survey matrix)',
  claim: 'INT8 PTQ ≈ fp32; per-channel, MSE/percentile, AdaRound, LSQ help at low bits',
  records: { q: 'quantization' },
  measured: ({ q }) => {
    const mlp = { model: 'mlp' }
    const w2 = (granularity: string, wCalib: string) =>
      q.ci(
        { subject: 'ptq-bits', metric: 'top1', where: { ...mlp, wBits: 2, granularity, wCalib } },
        2,
      )
    const drops = ['tensor', 'channel'].flatMap((granularity) =>
      ['minmax', 'mse'].map((wCalib) =>
        q.v({
          subject: 'ptq-bits',
          metric: 'top1_drop',
          where: { ...mlp, wBits: 8, granularity, wCalib },
        }),
      ),
    )
    const rounding = (model: string, rounding: string) =>
      q.ci({ subject: 'ptq-rounding', metric: 'top1', where: { model, rounding } }, 2)
    const acalib = (model: string, aCalib: string) =>
      q.mean({ subject: 'ptq-acalib', metric: 'top1', where: { model, aCalib } }, 2)
    const mixed = (allocation: string) =>
      q.mean({ subject: 'mixed', metric: 'top1', where: { allocation } }, 2)
    const integer = (metric: string) =>
      q.mean({ subject: 'integer', metric, where: { ...mlp, wBits: 8 } }, 2)
    return `MLP on MNIST (fp32 ${q.ci({ subject: 'fp32', metric: 'top1', where: mlp }, 2)}), 3 seeds,
      exact min-max and percentile calibration (issue 23). W8A8 drop
      ${fmt(Math.min(...drops), 2)}–${fmt(Math.max(...drops), 2)} pt. W2 per-tensor min-max
      ${w2('tensor', 'minmax')} vs MSE ${w2('tensor', 'mse')} vs per-channel
      ${w2('channel', 'minmax')}. **AdaRound W2 ${rounding('mlp', 'adaround')} vs nearest
      ${rounding('mlp', 'nearest')}** (lenet5 ${rounding('lenet5', 'adaround')} vs
      ${rounding('lenet5', 'nearest')}). LSQ W4A4 ${q.mean({ subject: 'qat-w4a4', metric: 'top1' }, 2)},
      W2A2 ${q.mean({ subject: 'qat-w2a2', metric: 'top1' }, 2)}. A4 calibration min-max / p99.99 /
      KL: MLP ${acalib('mlp', 'minmax')} / ${acalib('mlp', 'p99.99')} / ${acalib('mlp', 'kl')},
      lenet5 ${acalib('lenet5', 'minmax')} / ${acalib('lenet5', 'p99.99')} / ${acalib('lenet5', 'kl')}.
      Mixed precision at 3 bits on average: uniform ${mixed('uniform')}, sensitivity
      ${mixed('sensitivity')}, Hessian trace ${mixed('hessian')} (**Hessian ${q.v({ subject: 'mixed', metric: 'top1', where: { allocation: 'hessian' } }) < q.v({ subject: 'mixed', metric: 'top1', where: { allocation: 'uniform' } }) ? 'loses to' : 'beats'} uniform**).
      Integer-only W8A8 vs fake-quant ${integer('int_vs_fake_pt')} pt; onnxruntime QLinear agrees with
      the TS int8 kernel on ${integer('ort_exact')} % of logit codes. Int8 timings are loaded and too
      noisy to quote (see the folder's README)`
  },
})

const pamLenet5 = defineRow({
  study: 'pam (PAM vs no-merge vs MTZ)',
  claim: 'up to 4.87× less computation than no merging, 2.01× less than MTZ',
  records: { lenet5: 'pam-lenet5' },
  measured: ({ lenet5 }) => {
    const sets = {
      halves: ['A', 'B'],
      attributes: ['A', 'B', 'C'],
      pairs: ['A', 'B', 'C', 'D', 'E'],
    }
    const flops = (subject: string, taskSet: string, combo: string) =>
      lenet5.v({
        subject,
        metric: 'flops',
        where: {
          taskSet,
          combo,
          pruner: 'l1-gate',
          prunePartitions: 'all',
          ...(subject === 'pam' ? { alpha: 0.05 } : {}),
        },
        // One attributes arm lacks `alphaConv` (an older record; same value by default): pooled.
        pool: true,
      })
    const combos = (tasks: string[]) =>
      tasks.flatMap((_, i) =>
        tasks
          .map((_, j) => j)
          .filter((j) => j >= i)
          .map((j) => tasks.slice(i, j + 1)),
      )
    const per = (f: (taskSet: string, tasks: string[]) => number) =>
      Object.entries(sets)
        .map(([taskSet, tasks]) => fmt(f(taskSet, tasks), 2))
        .join(' / ')
    const maxOver = (base: string) => (taskSet: string, tasks: string[]) =>
      Math.max(
        ...combos(tasks).map(
          (c) => flops(base, taskSet, c.join('+')) / flops('pam', taskSet, c.join('+')),
        ),
      )
    const all = (taskSet: string, tasks: string[]) =>
      flops('pam', taskSet, tasks.join('+')) / flops('no-merge', taskSet, tasks.join('+'))
    const single = (taskSet: string, tasks: string[]) =>
      Math.max(...tasks.map((t) => flops('pam', taskSet, t) / flops('no-merge', taskSet, t)))
    const worstSingle = Math.max(...Object.entries(sets).map(([s, t]) => single(s, t)))
    return `LeNet-5 (6-16-120-84, conv channels pruned like neurons), default-profile schedule,
      L1-gate pruner, α 0.05, 3 seeds; FLOPs are means over seeds, ratios for task sets of 2 / 3 / 5
      tasks (halves / attributes / pairs). Max over task combinations of no-merge/PAM: **${per(maxOver('no-merge'))}**
      (paper: up to 4.87); of MTZ/PAM: ${per(maxOver('mtz'))} (paper 2.01). All tasks together cost
      **${per(all)}× no-merge**; the costliest single task **${per(single)}× no-merge**
      (${target(worstSingle, '≤', 1.15)} on the worst set): PAM shares most kept neurons, so a one-task query runs the
      trunk every task needs. The MLP task sets, the α sweep and Taylor pruning are in the folder's
      README and \`table.md\``
  },
})

const multilayer = defineRow({
  study: 'multilayer-embedding (supra-graph DeepWalk + cohesion fine-tuning)',
  claim:
    'better node classification, link prediction and community detection than single- and multi-layer embeddings; scales to 37 layers; more modular communities than modularity optimisers',
  records: { ml: 'multilayer-embedding' },
  measured: ({ ml }) => {
    const sbm = (layers: number) => ({ dataset: 'ml-sbm', layers })
    const football = (layers: number) => ({ dataset: 'ml-football', layers })
    const at =
      (where: Record<string, unknown>) =>
      (subject: string, metric: string, d = 3) =>
        ml.mean({ subject, metric, where }, d)
    const gain = (where: Record<string, unknown>, subject: string) =>
      ml.diff(
        { subject, metric: 'modularity', where },
        { subject, metric: 'modularity_pre', where },
        3,
      )
    const gains = [6, 12].flatMap((l) =>
      ['supra-dec', 'supra-kmeans'].map(
        (s) =>
          ml.v({ subject: s, metric: 'modularity', where: sbm(l) }) -
          ml.v({ subject: s, metric: 'modularity_pre', where: sbm(l) }),
      ),
    )
    const s6 = at(sbm(6))
    const s12 = at(sbm(12))
    const f37 = at(football(37))
    return `Default profile, 3 seeds. **Multilayer SBM** (N 300, K 3, each layer below
      detectability), k-means NMI, supra + DEC vs aggregate DeepWalk vs per-layer DeepWalk: **L 6:
      ${s6('supra-dec', 'nmi')} vs ${s6('deepwalk-aggregate', 'nmi')} vs ${s6('deepwalk-per-layer', 'nmi')};
      L 12: ${s12('supra-dec', 'nmi')} vs ${s12('deepwalk-aggregate', 'nmi')} vs
      ${s12('deepwalk-per-layer', 'nmi')}** (CIs wide; the supra walks use L× the aggregate's walk
      budget). Spectral clustering on the mean Laplacian: ${s12('spectral-mean-laplacian', 'nmi')} at L 12.
      Micro-F1@50% at L 12: ${s12('supra-dec', 'micro_f1_50')} vs ${s12('deepwalk-aggregate', 'micro_f1_50')}
      vs ${s12('deepwalk-per-layer', 'micro_f1_50')}. Link AUC ≈ 0.5 on the SBM for every embedding
      (supra ${s12('supra-dec', 'link_auc')}). **Fine-tuning modularity gain ${Math.max(...gains) >= 0.02 ? 'reaches' : 'does not reach'} 0.02**:
      DEC ${gain(sbm(6), 'supra-dec')} (L 6), ${gain(sbm(12), 'supra-dec')} (L 12); trace-ratio k-means
      ${gain(sbm(6), 'supra-kmeans')} / ${gain(sbm(12), 'supra-kmeans')}. Modularity vs Louvain on the
      aggregate: ${s6('supra-dec', 'modularity')} vs ${s6('louvain-aggregate', 'modularity')} (L 6),
      ${s12('supra-dec', 'modularity')} vs ${s12('louvain-aggregate', 'modularity')} (L 12).
      **Football, 37 layers: league NMI ${f37('supra-dec', 'nmi')}, micro-F1@50%
      ${f37('supra-dec', 'micro_f1_50')}** (aggregate DeepWalk ${f37('deepwalk-aggregate', 'nmi')},
      per-layer ${f37('deepwalk-per-layer', 'nmi')}). Paper-scale walk budget not run`
  },
})

const approx = defineRow({
  study: 'approx-multipliers (P/N approximate multipliers, filter-oriented mapping)',
  claim:
    '18.33% average energy gain over 7 NNs on 4 datasets at ≤ 1% accuracy loss, no retraining; balancing P/N errors per filter beats the state of the art',
  records: { am: 'approx-multipliers' },
  measured: ({ am }) => {
    const nets = ['mlp', 'lenet5', 'cnn']
    const q = (subject: string, model: string, level: number, metric: string) =>
      am.v({ subject, metric, where: { model, level, search: false } })
    // The uniform level a network would use: the highest whose calibration drop is ≤ 1 pt.
    const saving = (subject: string) => {
      const per = nets.map((model) => {
        const ok = [3, 4, 5].filter((level) => q(subject, model, level, 'calib_drop') <= 1)
        return ok.length ? q(subject, model, Math.max(...ok), 'energy_saving') : 0
      })
      return per.reduce((a, b) => a + b, 0) / per.length
    }
    const others = ['all-negative', 'bias-corrected', 'random', 'all-positive', 'alwann']
    const beatsAll = others.every((o) => saving('balanced') > saving(o))
    const pct = (subject: string) => `${fmt(saving(subject), 1)} %`
    const drops = (model: string) =>
      ['balanced', 'random', 'all-negative', 'all-positive', 'alwann']
        .map((s) => fmt(q(s, model, 5, 'acc_drop'), 1))
        .join(' / ')
    return `**Different quantity**: a gate-count energy proxy of our reconstructed R1 multiplier
      (256×256 LUTs), not the paper's circuit; mlp and LeNet-5 on MNIST, a small CNN on synthetic
      images, levels m = 3/4/5, 3 seeds, 300 test rows (1 pt = 3 images). Energy saving at ≤ 1 pt
      calibration drop (highest uniform level), mean over the 3 nets: **balanced ${pct('balanced')}**,
      all-negative ${pct('all-negative')}, bias-corrected ${pct('bias-corrected')}, random
      ${pct('random')}, all-positive ${pct('all-positive')}, ALWANN-like tuning ${pct('alwann')}:
      **balanced ${beatsAll ? 'beats' : 'does not beat'} every baseline**. Test drop (pt) at m = 5,
      balanced / random / all-N / all-P / ALWANN-like: mlp ${drops('mlp')}; LeNet-5 ${drops('lenet5')};
      CNN ${drops('cnn')}. For R1, P − N is a constant per weight, so balancing equals all-negative +
      per-channel bias correction up to rounding`
  },
})

const gntp = defineRow({
  study: 'gntp (GNTP vs NTP, ComplEx, DistMult)',
  claim:
    'GNTP ≈ NTP quality at a fraction of the cost (orders of magnitude); Countries AUC-PR ≥ .98/.85/.75 (S1/S2/S3), beating ComplEx on S3; text mentions can stand in for facts',
  records: { eq: 'gntp-equal-epochs', countries: 'gntp-paper-partial', dflt: 'gntp-default' },
  timings: true,
  measured: ({ eq, countries, dflt }) => {
    const kin = { dataset: 'kinship', facts: 1000 }
    const k = (subject: string, metric: string) => eq.mean({ subject, metric, where: kin }, 3)
    const c = (subject: string, split: string, mentions = 0, mentionMode = 'mentions') =>
      countries.mean({ subject, metric: 'auc_pr', where: { split, mentions, mentionMode } }, 3)
    const splits = (subject: string) => ['S1', 'S2', 'S3'].map((s) => c(subject, s)).join(' / ')
    const d = (subject: string, metric: string, facts: number) =>
      dflt.mean({ subject, metric, where: { dataset: 'kinship', facts } }, 3)
    const defaultEpochRatio = (facts: number) =>
      dflt.v({ subject: 'ntp', metric: 'epoch_s', where: { dataset: 'kinship', facts } }) /
      dflt.v({ subject: 'gntp', metric: 'epoch_s', where: { dataset: 'kinship', facts } })
    const s2 = (mentions: number) => ({
      subject: 'gntp',
      metric: 'auc_pr',
      where: { split: 'S2', mentions },
    })
    const mention = (mentions: number) => dflt.mean(s2(mentions), 3)
    const goals = { S1: 0.98, S2: 0.85, S3: 0.75 }
    const met = Object.entries(goals).filter(
      ([split, goal]) =>
        countries.v({
          subject: 'gntp',
          metric: 'auc_pr',
          where: { split, mentions: 0, mentionMode: 'mentions' },
        }) >= goal,
    ).length
    const epochRatio = fmt(
      eq.v({ subject: 'ntp', metric: 'epoch_s', where: kin }) /
        eq.v({ subject: 'gntp', metric: 'epoch_s', where: kin }),
      1,
    )
    return `One typed-array prover for both arms; GNTP retrieves from our own k-NN index. **Kinship-1k,
      equal epochs, 3 seeds: GNTP MRR ${k('gntp', 'mrr')} vs NTP ${k('ntp', 'mrr')}, Hits@10
      ${k('gntp', 'hits10')} vs ${k('ntp', 'hits10')}**; NTP/GNTP time per epoch ${epochRatio}× at 1k
      facts (the scaling to 27.5k facts is in \`gntp-equal-epochs\`). **Countries (GNTP 10 epochs):
      ${splits('gntp')} on S1/S2/S3, ${met} of 3 targets met**; ComplEx ${splits('complex')}, DistMult
      ${splits('distmult')}. **Mentions not demonstrated**: S2 with 30 % of neighborOf as mentions
      ${c('gntp', 'S2', 0.3)} vs all facts ${c('gntp', 'S2')} vs facts deleted
      ${c('gntp', 'S2', 0.3, 'deleted')} (S2 too unstable to compare). **Trimmed default profile**
      (NTP only at 500 facts, 5 epochs each): MRR ${d('gntp', 'mrr', 500)} vs NTP ${d('ntp', 'mrr', 500)},
      Hits@10 ${d('gntp', 'hits10', 500)} vs ${d('ntp', 'hits10', 500)}; NTP/GNTP time per epoch
      ${fmt(defaultEpochRatio(500), 1)}× at 500 facts, ${fmt(defaultEpochRatio(2000), 1)}× at 2k (${target(defaultEpochRatio(2000), '≥', 10)}) (NTP's scan now visits each entity once per subgoal);
      Countries ${['S1', 'S2', 'S3'].map((split) => dflt.mean({ subject: 'gntp', metric: 'auc_pr', where: { split, mentions: 0 } }, 3)).join(' / ')};
      **mentions**: S2 with 30 % of neighborOf as mentions ${mention(0.3)} vs all facts ${mention(0)}
      (${target(Math.abs(dflt.v(s2(0.3)) - dflt.v(s2(0))), '≤', 0.05)} for the gap)`
  },
})

const denseInference = defineRow({
  study: 'dense-inference (harness study)',
  claim: '—',
  records: { d: 'dense-inference' },
  timings: true,
  measured: ({ d }) => {
    const at = (subject: string, model: string, batch: number, metric = 'latency_ms') =>
      d.v({ subject, metric, where: { model, batch } })
    const shapes = ['mlp-784-300-100-10', 'linear-768x3072'].flatMap((model) =>
      [1, 32, 128].map((batch) => ({ model, batch })),
    )
    const ortFaster = shapes.filter(
      (s) => at('onnxruntime-dense', s.model, s.batch) < at('tfjs-dense', s.model, s.batch),
    ).length
    const pair = (model: string, batch: number) =>
      `${sig(at('onnxruntime-dense', model, batch), 3)} ms vs ${sig(at('tfjs-dense', model, batch), 3)} ms
      (tfjs ${fmt(at('onnxruntime-dense', model, batch) / at('tfjs-dense', model, batch), 2)}×)`
    const err = Math.max(
      ...shapes.flatMap((s) =>
        ['onnxruntime-dense', 'tfjs-dense'].map((x) => at(x, s.model, s.batch, 'max_rel_err')),
      ),
    )
    return `onnxruntime-node vs tfjs-wasm, same weights, 3 seeds, median latency. onnxruntime is faster
      on ${ortFaster} of ${shapes.length} shapes: MLP 784-300-100-10 batch 128 ${pair('mlp-784-300-100-10', 128)};
      768×3072 batch 128 ${pair('linear-768x3072', 128)}
      (${fmt(at('onnxruntime-dense', 'linear-768x3072', 128, 'gflops'), 1)} GFLOP/s); 768×3072 batch 1
      ${pair('linear-768x3072', 1)}. Both within ${err.toExponential(1)} (relative) of a float64 reference`
  },
})

const trainingThroughput = defineRow({
  study: 'training-throughput',
  claim:
    'LeNet-5 training on tfjs ≥ 1,200 samples/s, two threads ≥ 1.5× one (issue targets; no PyTorch figure measured on this machine)',
  records: {
    t: 'training-throughput-dp/fresh-1',
    t2: 'training-throughput-dp/fresh-2',
    t3: 'training-throughput-dp/fresh-3',
  },
  timings: true,
  measured: ({ t, t2, t3 }) => {
    const rate = (subject: string, model: string) =>
      t.v({ subject, metric: 'samples_per_s', where: { model } })
    const lenet = rate('wasm', 'lenet5')
    const q = (subject: string, metric: string) => ({ subject, metric, where: { model: 'lenet5' } })
    const runs = [t, t2, t3]
    const ratio = (run: Cells) =>
      run.v(q('wasm-dp', 'samples_per_s')) / run.v(q('wasm', 'samples_per_s'))
    return `tfjs wasm with the registered gradient kernels, default profile (2 epochs, batch 64),
      3 seeds, three runs on a fresh clone: **LeNet-5 ${t.ci(q('wasm', 'samples_per_s'), 0)} samples/s
      (${target(lenet, '≥', 1200)})** at test accuracy ${t.mean(q('wasm', 'test_accuracy'), 3)} (run 1).
      **Two data-parallel workers** (worker threads exchanging gradients through shared memory,
      each averaging in a fixed order and updating half the weights; same seed → same weights):
      ${t.ci(q('wasm-dp', 'samples_per_s'), 0)} samples/s at test accuracy ${t.mean(q('wasm-dp', 'test_accuracy'), 3)};
      2 workers / 1, mean over seeds, per run: **${runs.map((r) => `${fmt(ratio(r), 2)}×`).join(', ')}
      (target ≥ 1.5: ${runs.filter((r) => ratio(r) >= 1.5).length} of ${runs.length} runs reach it)**. The one-worker arm is the
      standard trainer, whose tfjs-core Adam is slower per step than the replicas' flat Adam, so
      against one replica of the same code the gain is smaller (the folder's README has that
      A/B); two workers spend more CPU per sample than one (tfjs's per-call cost does not halve
      with the batch). MLP
      ${t.ci({ subject: 'wasm', metric: 'samples_per_s', where: { model: 'mlp' } }, 0)}; pure-JS cpu
      backend ${fmt(rate('cpu', 'mlp') / rate('wasm', 'mlp'), 2)}× wasm on the MLP. tfjs-node not installable
      (skipped)`
  },
})

const sparseEngine = defineRow({
  study: 'sparse-engine (SparseDNN)',
  claim: 'up to 5× over dense OpenVINO (BERT); issue targets ≥ 3× at 90%, ≥ 5× at 95%',
  records: { se: 'bench', se2: 'sparse-fresh-2' },
  timings: true,
  measured: ({ se, se2 }) => {
    const points = ['768x3072', '3072x768'].flatMap((shape) =>
      [0.9, 0.95].map((sparsity) => ({ shape, sparsity, goal: sparsity === 0.9 ? 3 : 5 })),
    )
    const q = (subject: string, metric: string, p: { shape: string; sparsity: number }) => ({
      subject,
      metric,
      where: { shape: p.shape, sparsity: p.sparsity, N: 128 },
    })
    // The kernel and onnxruntime timed in alternating rounds inside one trial: a per-seed ratio.
    const cell = (run: Cells, p: (typeof points)[number], subject = 'sparse-native') =>
      `${run.range(q(subject, 'speedup', p), 2)}×`
    const met = (run: Cells) =>
      points.filter((p) => run.lowest(q('sparse-native', 'speedup', p)) >= p.goal).length
    const sameVariant = points.filter(
      (p) =>
        se.dir.metric(q('sparse-native', 'variant_index', p)).values.join() ===
        se2.dir.metric(q('sparse-native', 'variant_index', p)).values.join(),
    ).length
    const label = (p: (typeof points)[number]) =>
      `${p.shape.replace('x', '×')} at ${fmt(100 * p.sparsity, 0)}%`
    return `Generated x86 kernel (AVX-512 where the CPU has it, autotuned) vs onnxruntime dense,
      N = 128, 1 thread, the two timed in alternating rounds inside each trial (per-seed ratio of
      round medians, 2 seeds; range over seeds), default profile, two fresh clones. Run 1 (the bench): ${points.map((p) => `${label(p)} ${cell(se, p)}`).join(', ')}
      (**${met(se)} of ${points.length} points meet the target on every seed**); the AVX2 kernel
      of before in the same run ${points.map((p) => cell(se, p, 'sparse-native-avx2')).join(', ')}. Run 2 (a second clone):
      ${points.map((p) => cell(se2, p)).join(', ')} (**${met(se2)} of ${points.length}**). **The
      autotuner chose the same variant in both runs at ${sameVariant} of ${points.length} points**.
      Effective GFLOP/s at 90% (run 1): ${points
        .filter((p) => p.sparsity === 0.9)
        .map((p) => se.mean(q('sparse-native', 'effective_gflops', p), 0))
        .join(' / ')} vs onnxruntime ${points
        .filter((p) => p.sparsity === 0.9)
        .map((p) => se.mean(q('sparse-native', 'ort_gflops', p), 0))
        .join(' / ')}`
  },
})

const sparseEncoder = defineRow({
  study: 'sparse-encoder (SparseDNN end to end)',
  claim: 'issue targets ≥ 2.5× at 90%, ≥ 3.5× at 95% (SparseDNN: up to 5× end to end)',
  records: { enc: 'bench', enc2: 'sparse-fresh-2' },
  timings: true,
  measured: ({ enc, enc2 }) => {
    const q = (metric: string, sparsity: number) => ({
      subject: 'sparse-encoder',
      metric,
      where: { sparsity },
    })
    const op = (name: string, sparsity: number) => enc.mean(q(`op_${name}_ms`, sparsity), 1)
    const ops = ['qkv', 'attention', 'o', 'ln', 'ffn1', 'ffn2']
    const largest = (sparsity: number) =>
      ops.reduce((a, b) =>
        enc.v(q(`op_${b}_ms`, sparsity)) > enc.v(q(`op_${a}_ms`, sparsity)) ? b : a,
      )
    const lowest = (sparsity: number) =>
      Math.min(enc.lowest(q('speedup', sparsity)), enc2.lowest(q('speedup', sparsity)))
    return `2-block BERT-like encoder (d 768, ffn 3072, seq 128) through generated kernels (rows
      grouped by shared columns, residual fused into the epilogues, attention through packed dense
      matmuls) vs the same graph in onnxruntime, timed in alternating rounds inside each trial;
      two fresh-clone runs of the default profile (the bench, then a second clone):
      **${enc.range(q('speedup', 0.9), 2)}× / ${enc2.range(q('speedup', 0.9), 2)}× at 90% (${target(lowest(0.9), '≥', 2.5)})**,
      **${enc.range(q('speedup', 0.95), 2)}× / ${enc2.range(q('speedup', 0.95), 2)}× at 95% (${target(lowest(0.95), '≥', 3.5)})**. Per-op ms (${ops.join(' / ')}): 90% ${ops.map((o) => op(o, 0.9)).join(' / ')};
      95% ${ops.map((o) => op(o, 0.95)).join(' / ')}: the largest op is ${largest(0.9) === largest(0.95) ? `${largest(0.9)} at both` : `${largest(0.9)} at 90%, ${largest(0.95)} at 95%`}.
      Output error vs tfjs ${enc.v(q('max_rel_err', 0.9)).toExponential(1)}`
  },
})

const sparseMlp = defineRow({
  study: 'sparse-mlp (SparseDNN)',
  claim: '90%-pruned MLP within 1 pt of dense (issue)',
  records: { m: 'sparse-mlp' },
  timings: true,
  measured: ({ m }) => {
    const q = (metric: string) => ({ subject: 'sparse-mlp', metric })
    return `MNIST 784-300-100-10, 90% per layer, masks kept through 4 fine-tuning epochs, 3 seeds:
      top-1 ${m.ci(q('top1'), 2)} vs dense ${m.ci(q('top1_dense'), 2)} (drop ${m.ci(q('top1_drop'), 2)},
      ${target(m.v(q('top1_drop')), '≤', 1)}; ${m.ci(q('top1_drop_control'), 2)} vs an equal-epochs dense
      control). Engine ${m.mean(q('speedup'), 2)}× onnxruntime at batch 128 (mean over seeds)`
  },
})

const pamMlp = defineRow({
  study: 'pam, default profile (MLP)',
  claim:
    'up to 4.87× less computation than no merging, 2.01× less than MTZ; on LeNet-5 halves PAM ≈ no merging per task and cheaper on A&B (issue: single ≤ 1.1×, A+B ≤ 0.95× no merging and ≤ MTZ)',
  records: { mlp: 'pam' },
  measured: ({ mlp }) => {
    const at = (combo: string, irrelevance?: string) => ({
      taskSet: 'halves',
      combo,
      pruner: 'taylor',
      ...(irrelevance ? { irrelevance } : {}),
    })
    const flops = (subject: string, combo: string, irrelevance?: string) =>
      mlp.v({ subject, metric: 'flops', where: at(combo, irrelevance) })
    const vsNoMerge = (rule: string) =>
      ['A', 'B', 'A+B'].map((c) => fmt(flops('pam', c, rule) / flops('no-merge', c), 2)).join(' / ')
    const single = (rule: string) =>
      Math.max(...['A', 'B'].map((c) => flops('pam', c, rule) / flops('no-merge', c)))
    const both = (rule: string) => flops('pam', 'A+B', rule) / flops('no-merge', 'A+B')
    const mtz = { subject: 'mtz', where: at('A+B') }
    const c = (metric: string, rule: string) =>
      mlp.mean({ subject: 'pam', metric, where: at('A+B', rule) }, 2)
    return `MLP (32-16) on the two-task halves set, Taylor pruner, 3 seeds, mean FLOPs. Every arm
      prunes to the same budget (1 validation point below the lower of its unpruned net and its
      own net when pruning starts), so **MTZ is now pruned**: A+B ${mlp.mean({ ...mtz, metric: 'flops' }, 0)}
      (${mlp.range({ ...mtz, metric: 'flops' }, 0)} over seeds) vs ${mlp.mean({ ...mtz, metric: 'flops_unpruned' }, 0)}
      unpruned. PAM / no merging (A / B / A+B): official joint irrelevance rule ${vsNoMerge('joint')};
      a marginal rule ${vsNoMerge('marginal')}; PAM (marginal) / MTZ on A+B
      ${fmt(flops('pam', 'A+B', 'marginal') / flops('mtz', 'A+B'), 2)}. **Targets**: single task
      ${target(single('marginal'), '≤', 1.1)}, A+B ${target(both('marginal'), '≤', 0.95)} (marginal
      rule). The C1–C3 diagnosis at the merge, layer 0 (joint → marginal): shared neurons
      informative for both tasks ${c('c2Multi_l0_merged', 'joint')} → ${c('c2Multi_l0_merged', 'marginal')},
      informative for none ${c('c3None_l0_merged', 'joint')} → ${c('c3None_l0_merged', 'marginal')};
      leak of task-specific neurons to the other task's labels after pruning
      ${c('c1Leak_l0_end', 'marginal')} (marginal). LeNet-5 halves does not fit the default budget
      here: next row`
  },
})

const pamLenet5Halves = defineRow({
  study: "pam, LeNet-5 halves (the paper's table, reduced)",
  claim:
    'on LeNet-5 halves PAM ≈ no merging per task (PAM/B1 1.005 and 0.92) and cheaper on A&B (0.86× no merging, 0.93× MTZ)',
  records: { h: 'pam-lenet5-halves' },
  measured: ({ h }) => {
    const at = (combo: string, irrelevance?: string) => ({
      combo,
      ...(irrelevance ? { irrelevance } : {}),
    })
    const flops = (subject: string, combo: string, irrelevance?: string) =>
      h.v({ subject, metric: 'flops', where: at(combo, irrelevance) })
    const vs = (rule: string, base: string) => (combo: string) =>
      flops('pam', combo, rule) / flops(base, combo)
    const list = (rule: string) =>
      ['A', 'B', 'A+B'].map((c) => fmt(vs(rule, 'no-merge')(c), 2)).join(' / ')
    const single = Math.max(...['A', 'B'].map(vs('joint', 'no-merge')))
    const mtz = { subject: 'mtz', where: at('A+B') }
    const worstDrop = (rule: string) =>
      Math.max(
        ...['A', 'B'].map((c) =>
          Math.max(
            ...h.dir.metric({ subject: 'pam', metric: 'acc_drop', where: at(c, rule) }).values,
          ),
        ),
      )
    const c2End = (layer: number) =>
      h.mean({ subject: 'pam', metric: `c2Multi_l${layer}_end`, where: at('A+B', 'joint') }, 2)
    return `LeNet-5 (6-16-120-84) per task, reduced: 2,000 training digits, 8 pruning rounds per
      task, Taylor pruner, the same accuracy budget for every arm, 3 seeds, mean FLOPs. **MTZ is
      pruned**: A+B ${count(h.v({ ...mtz, metric: 'flops' }))} (${h.range({ ...mtz, metric: 'flops' }, 0)} over seeds) vs
      ${count(h.v({ ...mtz, metric: 'flops_unpruned' }))} unpruned. PAM / no merging (A / B / A+B): official
      joint rule **${list('joint')}**, marginal rule ${list('marginal')}; PAM (joint) / MTZ on A+B
      **${fmt(vs('joint', 'mtz')('A+B'), 2)}**. **Targets** (joint rule): single task
      ${target(single, '≤', 1.1)}, A+B / no merging ${target(vs('joint', 'no-merge')('A+B'), '≤', 0.95)},
      A+B / MTZ ${target(vs('joint', 'mtz')('A+B'), '≤', 1)}; worst per-seed test drop ${fmt(worstDrop('joint'), 2)}
      pt (marginal rule ${fmt(worstDrop('marginal'), 1)} pt: it loses task B on a seed). After pruning
      PAM's conv layers are shared (shared neurons informative for both tasks, conv1 / conv2:
      ${c2End(0)} / ${c2End(1)}), so one task runs what both need, and PAM's unpruned merge is
      ${fmt(h.v({ subject: 'pam', metric: 'flops_unpruned', where: at('A+B', 'joint') }) / h.v({ ...mtz, metric: 'flops_unpruned' }), 1)}×
      MTZ's. Conv MI is now std-scaled; max-scaled, the marginal rule deleted task B's conv1
      channels on every seed. About 3 min a seed quiet: \`paper\` profile, not the default`
  },
})

const qa = defineRow({
  study: 'qa (AMANDA vs BiDAF)',
  claim:
    'AMANDA > BiDAF-style readers on multi-sentence QA; removing multi-factor attention, max-attentional question aggregation or the question type vector each costs 1–2 F1',
  records: { qa: 'qa' },
  timings: true,
  measured: ({ qa }) => {
    const f1 = (subject: string, dataset: string) => ({ subject, metric: 'f1', where: { dataset } })
    const vs = (dataset: string) =>
      `**AMANDA ${qa.ci(f1('amanda', dataset), 1)} vs BiDAF ${qa.ci(f1('bidaf', dataset), 1)}**
      (paired by seed ${qa.paired(f1('amanda', dataset), f1('bidaf', dataset), 1)})`
    const babi = f1('amanda', 'qa-babi')
    const cost = (ablation: string) => qa.paired(babi, f1(ablation, 'qa-babi'), 1)
    const ablations = ['amanda-no-multifactor', 'amanda-no-qma', 'amanda-no-qtype']
    const clears = ablations.filter(
      (a) => (qa.pairedOf(babi, f1(a, 'qa-babi')).lo ?? Number.NEGATIVE_INFINITY) >= 1,
    ).length
    return `Default profile: generated bAbI-style stories (5–8 sentences) and real-fact country
      passages, conv encoders, 3 epochs, 3 seeds. Test F1 on bAbI: ${vs('qa-babi')}; on countries:
      ${vs('qa-countries')}. Removing a component costs (bAbI F1, paired by seed): multi-factor
      ${cost('amanda-no-multifactor')}, question aggregation ${cost('amanda-no-qma')}, question type
      ${cost('amanda-no-qtype')}: **${clears} of 3 intervals clear 1 F1**. The 20-seed
      \`qa-ablations\` study and BiLSTM encoders are not in committed records`
  },
})

export const ROWS: readonly RowSpec[] = [
  denseInference,
  trainingThroughput,
  sparseEngine,
  sparseEncoder,
  sparseMlp,
  pamLenet5,
  pamMlp,
  pamLenet5Halves,
  quantization,
  margin,
  qa,
  hashLayers,
  squeeze,
  multilayer,
  gnnCentrality,
  approx,
  gntp,
] as readonly RowSpec[]
