/** `gnn-centrality`: one RN GNN with four pairwise decoders (degree, betweenness, closeness, eigenvector). */
import type { CentralityGraphs } from '../../datasets/centrality-graphs.ts'
import { CENTRALITIES } from '../../datasets/centrality-measures.ts'
import type { SubjectDef } from '../../harness/types.ts'
import { GnnParams, runGnnTrial } from '../../studies/centrality/trial.ts'

export const gnnCentrality: SubjectDef<GnnParams, CentralityGraphs> = {
  name: 'gnn-centrality',
  kind: 'method',
  description:
    'Multitask centrality GNN: one learned initial vector, message-passing MLPs and a layer-normalised LSTM, one pairwise decoder per centrality',
  params: GnnParams,
  run(ctx, { params, dataset }) {
    return runGnnTrial(ctx, dataset.data, params, CENTRALITIES)
  },
}
