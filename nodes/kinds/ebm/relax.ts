import { defineKind, one, metricRecord } from '../../core/kind.ts';
import { int, str } from '../../core/params.ts';
import { port } from '../../core/ports.ts';
import { checkDataFits } from './common.ts';

export const relaxKind = defineKind({
  kind: 'ebm.relax',
  version: 1,
  title: 'Relax and trace energy',
  category: 'energy',
  doc:
    'Clamps the first examples, runs the dynamics from zero states and records the mean energy E(s) after each step (and F = E + βC when the dynamics are nudged) as a series, plus <name>_max_rise, the largest increase from one step to the next (with σ = 0, the clipped form and weights within the bound given under Langevin dynamics it stays at 0 up to rounding: inference goes down the energy).',
  equation: 'Bengio et al. 2017, Sec. 2.2-2.3 (leaky integration as Langevin MCMC on E)',
  inputs: {
    network: port('network'),
    data: port('dataset', { doc: 'Examples to clamp (and targets for a nudge).' }),
    dynamics: port('dynamics', { doc: 'The dynamics to run (its steps).' }),
  },
  outputs: {
    energy: port('series', { doc: 'Mean energy per step, the starting state first.' }),
  },
  params: {
    examples: int(100, { min: 1, max: 100000, doc: 'How many examples to relax (the first ones).' }),
    metric: str('energy_trace', { doc: 'Name of the recorded series.' }),
  },
  records: (p) => [
    metricRecord(p.metric, 'metric', 'The mean energy E(s) of the clamped examples after each step of the dynamics, the starting state first: it falls as inference settles.'),
    metricRecord(`${p.metric}_max_rise`, 'metric', 'The largest rise of that energy from one step to the next: 0 up to rounding when inference only goes down the energy.'),
  ],
  compile(ctx, inputs, p) {
    const d = one(inputs, 'dynamics');
    if (!checkDataFits(ctx, one(inputs, 'network'), one(inputs, 'data'), 'data')) return null;
    const steps = typeof d.info.steps === 'number' ? d.info.steps : 0;
    if (!p.metric.trim()) {
      ctx.error('give the metric a name', 'metric');
      return null;
    }
    return { outputs: { energy: { length: steps + 1 } } };
  },
});
