import { defineKind } from '../../core/kind.ts';
import { float, int } from '../../core/params.ts';
import { port } from '../../core/ports.ts';

export const rateSequencesKind = defineKind({
  kind: 'stdp.rate_sequences',
  version: 1,
  title: 'Random rate sequences',
  category: 'stdp',
  doc:
    'Random pre- and postsynaptic firing-rate sequences. The postsynaptic rate is ρ(V) = clip(V,0,1) of a voltage V driven from outside: it starts uniform in [0,1] with a random rate of change (standard deviation slope_sd per step) that drifts (bend_sd per step). The presynaptic rate starts uniform in [0,1] and takes a random walk (pre_sd per step; 0 keeps it constant).',
  equation: 'Bengio et al. 2017, Sec. 4.2.1 (500 sequences of 160 steps)',
  inputs: {},
  outputs: { rates: port('spikes', { doc: 'The rate sequences.' }) },
  params: {
    sequences: int(500, { min: 1, max: 1000000, doc: 'Number of sequences.' }),
    steps: int(160, { min: 2, max: 100000, doc: 'Time steps per sequence.' }),
    slope_sd: float(0.1, { min: 0, max: 10, doc: 'Standard deviation of the initial dV/dt (per step).' }),
    bend_sd: float(0.002, { min: 0, max: 10, doc: 'Standard deviation of the per-step change of dV/dt.' }),
    pre_sd: float(0, { min: 0, max: 1, doc: 'Standard deviation of the per-step change of the presynaptic rate.' }),
  },
  compile(_ctx, _inputs, p) {
    return { outputs: { rates: { sequences: p.sequences, steps: p.steps } } };
  },
});
