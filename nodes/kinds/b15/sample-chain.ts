import { defineKind } from '../../core/kind.ts';
import { float, int } from '../../core/params.ts';
import { port } from '../../core/ports.ts';

export const ChainSample = 'sample.chain';

export const chainSampleKind = defineKind({
  kind: ChainSample,
  version: 1,
  title: 'GENERATE (inference chain)',
  category: 'sampling',
  limits: ['sampleLimit'],
  doc: 'GENERATE: h_L ~ prior; x = g_1(...g_L(h_L)); then `rounds` times: h = INFERENCE(x) with the given alpha, x = g_1(h_1). An iteration scope over rounds.',
  equation: 'Bengio et al. 2015, Sec. 5 (GENERATE)',
  inputs: { model: port('model'), prior: port('prior'), inference: port('inference') },
  outputs: { samples: port('samples', { doc: 'Samples drawn by GENERATE: the top prior, then rounds of inference along the chain (28 × 28 digits).' }) },
  params: {
    count: int(10000, { min: 1, max: 1000000, doc: 'Number of samples (the CLI --sample-limit caps it).' }),
    rounds: int(3, { min: 0, max: 1000, doc: 'Rounds of inference and decoding.' }),
    alpha: float(0.3, { min: 0, max: 10, label: 'α', doc: 'The alpha of inference during generation.' }),
  },
  compile: () => ({ outputs: { samples: { dim: 784 } } }),
});
