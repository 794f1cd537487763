import { defineKind } from '../../core/kind.ts';
import { int } from '../../core/params.ts';
import { port } from '../../core/ports.ts';

export const DatasetSample = 'sample.dataset';

export const datasetSampleKind = defineKind({
  kind: DatasetSample,
  version: 1,
  title: 'Digits as samples',
  category: 'sampling',
  limits: ['sampleLimit'],
  doc: 'Passes `count` real digits of a data split, starting at `offset`, on as if they were samples: the reference point for a sample evaluator. Wired into Parzen it says how high the score goes for the data itself (10,000 training digits score about 241 on the MNIST test set; see docs/results.md).',
  equation: 'Reference for the Parzen protocol (Breuleux et al. 2011; Goodfellow et al. 2014)',
  inputs: { data: port('dataset', { doc: 'The split to take the digits from (the training split, for a Parzen reference).' }) },
  outputs: { samples: port('samples', { doc: 'Digits of the data set, as samples (a baseline: what real digits score).' }) },
  params: {
    count: int(10000, { min: 1, max: 1000000, doc: 'Number of digits (the CLI --sample-limit caps it).' }),
    offset: int(0, { min: 0, max: 1000000, doc: 'Index of the first digit taken.' }),
  },
  compile: () => ({ outputs: { samples: { dim: 784 } } }),
});
