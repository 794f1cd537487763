import { defineKind } from '../../core/kind.ts';
import { float, int } from '../../core/params.ts';
import { port } from '../../core/ports.ts';

export const GaussianPrior = 'prior.gaussian';

export const gaussianPriorKind = defineKind({
  kind: GaussianPrior,
  version: 1,
  title: 'Top prior (diagonal Gaussian)',
  category: 'sampling',
  doc: 'Fits p(h_L) as a diagonal Gaussian to the mean and variance of the top layer over the data (after inference if an inference loop is wired, else after the feedforward pass), then multiplies the variances by varianceScale.',
  equation: 'Bengio et al. 2015, Sec. 8 (prior fitted after training, variances x4)',
  inputs: {
    model: port('model'),
    data: port('dataset'),
    inference: port('inference', { optional: true }),
  },
  outputs: { prior: port('prior') },
  params: {
    varianceScale: float(4, { min: 0, max: 1000, doc: 'Multiplier of the fitted variances.' }),
    limit: int(0, { min: 0, doc: 'Fit on the first N examples only (0 = all).' }),
  },
  compile: () => ({ outputs: { prior: {} } }),
});
