import { defineKind } from '../../core/kind.ts';
import { int } from '../../core/params.ts';
import { port } from '../../core/ports.ts';

export const DirectedSample = 'sample.directed';

export const directedSampleKind = defineKind({
  kind: DirectedSample,
  version: 1,
  title: 'Directed sample',
  category: 'sampling',
  limits: ['sampleLimit'],
  doc: 'Ancestral sampling: h_L ~ prior, then x = g_1(g_2(... g_L(h_L))). The baseline the inference chain is compared with.',
  equation: 'Bengio et al. 2015, Sec. 8 (directed sampling, Parzen 126)',
  inputs: { model: port('model'), prior: port('prior') },
  outputs: { samples: port('samples', { doc: 'Samples drawn top-down through the decoders from the top prior (the directed baseline).' }) },
  params: { count: int(10000, { min: 1, max: 1000000, doc: 'Number of samples (the CLI --sample-limit caps it).' }) },
  compile: () => ({ outputs: { samples: { dim: 784 } } }),
});
