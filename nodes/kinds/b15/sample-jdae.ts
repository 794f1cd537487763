import { defineKind } from '../../core/kind.ts';
import { float, int } from '../../core/params.ts';
import { port } from '../../core/ports.ts';

export const JdaeSample = 'sample.jdae';

export const jdaeSampleKind = defineKind({
  kind: JdaeSample,
  version: 1,
  title: 'Joint DAE chain',
  category: 'sampling',
  limits: ['sampleLimit'],
  doc: 'Sampling from the model seen as a joint denoising auto-encoder: start from a directed sample; each step corrupts all layers with Gaussian noise, then reconstructs x from above, the top from below, and each middle layer from below or above with probability 1/2.',
  equation: 'Bengio et al. 2015, Eq. 9-11',
  keywords: ['denoising autoencoder', 'Markov chain'],
  inputs: { model: port('model'), prior: port('prior') },
  outputs: { samples: port('samples', { doc: 'Samples from the joint denoising auto-encoder chain.' }) },
  params: {
    count: int(1000, { min: 1, max: 1000000, doc: 'Number of samples (the CLI --sample-limit caps it).' }),
    steps: int(10, { min: 0, max: 10000, doc: 'Chain steps.' }),
    sigma: float(0.1, { min: 0, max: 10, label: 'σ', doc: 'Corruption noise of every layer.' }),
  },
  compile: () => ({ outputs: { samples: { dim: 784 } } }),
});
