import { defineKind } from '../../core/kind.ts';
import { float, int } from '../../core/params.ts';
import { port } from '../../core/ports.ts';

export const neuronFig1Kind = defineKind({
  kind: 'stdp.neuron_fig1',
  version: 1,
  title: 'Neuron with rising/falling voltage',
  category: 'stdp',
  doc:
    'A presynaptic spike at time 0 while the postsynaptic voltage V_j, below threshold, rises or falls at a constant rate dV/dt (random per trial). Rising, V_j reaches threshold ΔT = (θ − V0)/(dV/dt) steps later; falling, it was above threshold (and fired) that long before. The update ΔW = η S_i dV_j/dt, averaged per ΔT, gives the STDP curve: positive for post after pre, negative for post before pre, decaying with |ΔT|. With noise > 0 the voltage also takes a random walk and the spike is the first threshold crossing away from 0.',
  equation: 'Bengio et al. 2015, Eq. 1 and Fig. 1',
  inputs: {},
  outputs: { curve: port('series', { doc: 'Mean ΔW against ΔT = −window..window.' }) },
  params: {
    trials: int(20000, { min: 1, max: 10000000, doc: 'Number of presynaptic spikes simulated.' }),
    window: int(20, { min: 1, max: 1000, doc: 'Largest |ΔT| kept, in steps.' }),
    threshold: float(1, { min: -100, max: 100, label: 'θ', doc: 'Firing threshold.' }),
    v_range: float(1, { min: 0.000001, max: 100, doc: 'V at the pre spike is uniform in [θ − v_range, θ).' }),
    slope_sd: float(0.1, { min: 0.000001, max: 100, doc: 'Standard deviation of dV/dt (per step).' }),
    noise: float(0, { min: 0, max: 100, doc: 'Standard deviation of the per-step voltage noise.' }),
    rate: float(1, { min: 0, max: 1000, label: 'η', doc: 'Learning rate.' }),
  },
  compile(_ctx, _inputs, p) {
    return { outputs: { curve: { xStart: -p.window, xStep: 1, length: 2 * p.window + 1, xLabel: 'ΔT (steps)', yLabel: 'ΔW' } } };
  },
});
