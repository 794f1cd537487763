import { defineKind } from '../../core/kind.ts';
import { floats, int } from '../../core/params.ts';
import { port } from '../../core/ports.ts';

export const Parzen = 'eval.parzen';

export const parzenKind = defineKind({
  kind: Parzen,
  version: 1,
  title: 'Parzen log-likelihood',
  category: 'evaluation',
  limits: ['testLimit'],
  doc: 'Parzen-window log-likelihood with the samples as kernel centres: log p(x) = logsumexp_k(-||x - mu_k||^2 / 2s^2) - log K - D log(s sqrt(2 pi)). The width s is chosen on validation digits from a grid; the mean over the test digits is reported with its standard error.',
  equation: 'Bengio et al. 2015, Sec. 8 (protocol of Goodfellow et al. 2014 / Bengio et al. 2014)',
  keywords: ['kernel density estimate', 'KDE'],
  inputs: { samples: port('samples'), valid: port('dataset'), test: port('dataset') },
  outputs: {
    ll: port('metric', { doc: 'Mean log-likelihood of the test digits (nats per digit) under a Parzen window (Gaussian kernels of width sigma) centred on the samples: higher is better. The paper gives 236 for GENERATE\'s samples and 126 for directed samples of the same model (10,000 samples, 10,000 test digits).' }),
    stderr: port('metric', { doc: 'The standard error of that mean over the test digits (nats).' }),
    sigma: port('metric', { doc: 'The kernel width chosen on the validation digits (pixel units, 0-1).' }),
    valid_ll: port('metric', { doc: 'Mean validation log-likelihood at that width: select sampler settings on this, not on the test figure.' }),
  },
  params: {
    validCount: int(1000, { min: 1, doc: 'Validation digits used to choose sigma.' }),
    testCount: int(10000, { min: 1, doc: 'Test digits evaluated (the CLI --test-limit caps it).' }),
    sigmas: floats([0.1, 0.1291, 0.1668, 0.2, 0.2154, 0.2783, 0.3594, 0.4642, 0.5995, 0.7743, 1.0], { min: 1e-4, max: 100, doc: 'Candidate widths.' }),
  },
  compile: (ctx, _inputs, p) => {
    if (p.sigmas.length === 0) {
      ctx.error('the sigma grid is empty: give at least one width', 'sigmas');
      return null;
    }
    return { outputs: { ll: {}, stderr: {}, sigma: {}, valid_ll: {} } };
  },
});
