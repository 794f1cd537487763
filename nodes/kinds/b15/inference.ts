import { defineKind } from '../../core/kind.ts';
import { choice, float, int } from '../../core/params.ts';
import { port } from '../../core/ports.ts';

export const Inference = 'infer.iterative';

export const inferenceKind = defineKind({
  kind: Inference,
  version: 1,
  title: 'Inference loop',
  category: 'inference',
  doc: 'Iterative inference of h given x, starting from the feedforward pass. targetprop (Algorithm 2), for each layer l from the top L down to 1 (h0 = x; the layer above already moved): h_l += delta (f_l(h_{l-1}) - f_l(g_l(h_l))) + alpha (g_{l+1}(h_{l+1}) - h_l), without the alpha term for the top layer; no derivative taken. With two layers: h2 += delta (f2(h1) - f2(g2(h2))); h1 += delta (f1(x) - f1(g1(h1))) + alpha (g2(h2) - h1). Any number of layers works the same way. exact (Algorithm 1): h += delta dJ/dh with J = log p(x,h) + alpha log q(h|x) by autodiff. noise > 0 adds N(0, noise^2) each step (the MCMC variant). An iteration scope of N steps.',
  equation: 'Bengio et al. 2015, Algorithm 1, Algorithm 2, Eq. 12',
  keywords: ['difference target propagation', 'DTP', 'target propagation', 'iterative inference'],
  inputs: {},
  outputs: { inference: port('inference') },
  params: {
    method: choice(['targetprop', 'exact'] as const, 'targetprop', { doc: 'targetprop: Algorithm 2; exact: Algorithm 1 with autodiff.' }),
    steps: int(15, { min: 0, max: 10000, label: 'N', doc: 'Inference iterations.' }),
    delta: float(0.1, { min: 0, max: 10, label: 'δ', doc: 'Step size.' }),
    alpha: float(0.001, { min: 0, max: 10, label: 'α', doc: 'Weight of the top-down term (targetprop) or of log q (exact).' }),
    noise: float(0, { min: 0, max: 10, label: 'σ', doc: 'Injected Gaussian noise per step (0 = deterministic).' }),
  },
  compile: () => ({ outputs: { inference: {} } }),
});
