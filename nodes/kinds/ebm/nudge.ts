import { defineKind } from '../../core/kind.ts';
import { bool, choice, float, int } from '../../core/params.ts';
import { port } from '../../core/ports.ts';

export const nudgeKind = defineKind({
  kind: 'ebm.nudge',
  version: 1,
  title: 'Nudge outputs',
  category: 'energy',
  doc:
    'Adds to the output units the force −β ∂C/∂s_y = β(target − s_y) of the cost C = ½||y − target||², which pulls them toward the target; the rest of the dynamics comes from the wired Langevin node, with this node\'s number of steps (the nudged or weakly clamped phase). Starting from a fixed point, the early changes of the hidden units this causes are proportional to the backpropagated gradients. With mode "clamp" the outputs are instead held at the target for the whole phase (β → ∞): with the EqProp rule that is contrastive Hebbian learning, ΔW = α[ρρ(clamped) − ρρ(free)] (Movellan 1991), the classic comparison for Equilibrium Propagation.',
  equation: 'Bengio et al. 2017, Sec. 3.1; Scellier & Bengio 2016, Eq. 4 (F = E + βC); clamp: Movellan 1991 (contrastive Hebbian learning)',
  keywords: ['weak clamping', 'weakly clamped phase', 'contrastive Hebbian learning'],
  inputs: {
    dynamics: port('dynamics', { doc: 'The Langevin dynamics to add the nudge to.' }),
  },
  outputs: {
    dynamics: port('dynamics', { doc: 'The nudged dynamics.' }),
  },
  params: {
    beta: float(0.5, { min: 0.000001, max: 100, label: 'β', doc: 'Strength of the nudge.' }),
    random_sign: bool(true, { doc: 'Draw the sign of β at random for each minibatch (training only; reduces the bias of the gradient estimate).' }),
    steps: int(4, { min: 0, max: 100000, label: 'steps', doc: 'Steps of the nudged phase.' }),
    mode: choice(['nudge', 'clamp'] as const, 'nudge', {
      doc: 'nudge: a force of strength β toward the target (EqProp\'s weakly clamped phase); clamp: the outputs held at the target (contrastive Hebbian learning; β, its sign and the cost no longer matter, and the rule\'s update is not divided by β).',
    }),
    cost: choice(['half_squared', 'squared'] as const, 'half_squared', {
      doc: 'half_squared: C = ½||y − t||² (force β(t − y), the paper); squared: C = ||y − t||² (force 2β(t − y), Scellier & Bengio\'s published code).',
    }),
  },
  compile(ctx, inputs, p) {
    const d = inputs.dynamics;
    if (!d || Array.isArray(d)) return null;
    if (d.info.nudged === true) {
      ctx.error('these dynamics are already nudged; wire a Langevin dynamics node', 'dynamics');
      return null;
    }
    return { outputs: { dynamics: { ...d.info, steps: p.steps, nudged: true, beta: p.beta, randomSign: p.random_sign, cost: p.cost, clamp: p.mode === 'clamp' } } };
  },
});
