import { defineKind } from '../../core/kind.ts';
import { choice, float, int } from '../../core/params.ts';
import { port } from '../../core/ports.ts';

export const langevinKind = defineKind({
  kind: 'ebm.langevin',
  version: 1,
  title: 'Langevin dynamics',
  category: 'energy',
  doc:
    'Leaky-integrator dynamics of the free units, which is Langevin MCMC on the energy: s ← s + ε(ρ\'(s)(Σ_j W_ij ρ(s_j) + b_i) − s) + σ√ε·N(0,1), all layers at once, visible units clamped. σ = 0 is deterministic relaxation down the energy. Form "clipped" keeps states in [0,1] (projected steps, as in Scellier & Bengio\'s code; with the hard sigmoid a projected gradient step on E, which does not raise it while ε(1 + ‖W‖) ≤ 2, ‖W‖ the largest singular value of the weights between free layers: ‖W‖ ≤ 3 at ε = 0.5); "leaky" is the unbounded integrator of the paper (with the hard sigmoid a unit saturated above 1 oscillates around 1, so the energy can rise there).',
  equation: 'Bengio et al. 2017, Eqs. 2.1 and 2.3-2.9',
  inputs: {},
  outputs: {
    dynamics: port('dynamics', { doc: 'The relaxation settings, for trainers, probes and evaluators.' }),
  },
  params: {
    epsilon: float(0.5, { min: 0.0001, max: 1, label: 'ε', doc: 'Step size (time step over the membrane time constant).' }),
    sigma: float(0, { min: 0, max: 10, label: 'σ', doc: 'Noise: each step adds σ·sqrt(ε)·N(0,1) to each free unit.' }),
    steps: int(20, { min: 0, max: 100000, label: 'steps', doc: 'Number of steps of the phase.' }),
    form: choice(['clipped', 'leaky'] as const, 'clipped', { doc: 'clipped: s ← clip(s − ε∂E/∂s, 0, 1); leaky: s ← s − ε∂E/∂s.' }),
  },
  compile(_ctx, _inputs, p) {
    return { outputs: { dynamics: { epsilon: p.epsilon, sigma: p.sigma, steps: p.steps, form: p.form, nudged: false } } };
  },
});
