import { defineKind } from '../../core/kind.ts';
import { choice, float, int } from '../../core/params.ts';
import { port } from '../../core/ports.ts';

export const GaussianPrior = 'prior.gaussian';

export const gaussianPriorKind = defineKind({
  kind: GaussianPrior,
  version: 1,
  title: 'Top prior (Gaussian or mixture)',
  category: 'sampling',
  doc: 'Fits p(h_L) to the top layer over the data (after inference if an inference loop is wired, else after the feedforward pass). The paper\'s prior is the default: one diagonal Gaussian, variances times varianceScale (4). `covariance: full` keeps the correlations between top units; `components` > 1 fits a mixture (k-means, then each cluster\'s mean, covariance and share of the data), which models the top layer\'s distribution far better: on the 20-epoch MNIST model directed sampling goes from 108 Parzen nats (paper\'s prior) to 150 (full), 219 (10 components) and 273 (100), and GENERATE (one round) from a mixture of 100 at x4 scores 241 against the paper\'s 236. See docs/results.md, "Where the score is lost".',
  equation: 'Bengio et al. 2015, Sec. 8 (prior fitted after training, variances x4); mixture: k-means++ and per-cluster moments',
  inputs: {
    model: port('model'),
    data: port('dataset'),
    inference: port('inference', { optional: true }),
  },
  outputs: { prior: port('prior') },
  params: {
    varianceScale: float(4, { min: 0, max: 1000, doc: 'Multiplier of the fitted variances.' }),
    limit: int(0, { min: 0, zero: 'all', doc: 'Fit on the first N examples only (0 = all).' }),
    covariance: choice(['diagonal', 'full'] as const, 'diagonal', { doc: 'Diagonal (the paper: independent top units) or full covariance per component.' }),
    components: int(1, { min: 1, max: 10000, doc: 'Gaussians in the mixture (1 = a single Gaussian, the paper). At most one per two examples is fitted (a quick run on few examples fits fewer and says so).' }),
  },
  compile: () => ({ outputs: { prior: {} } }),
});
