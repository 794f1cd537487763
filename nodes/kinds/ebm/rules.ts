import { defineKind } from '../../core/kind.ts';
import { bool, choice, floats } from '../../core/params.ts';
import { port } from '../../core/ports.ts';

export const eqpropRuleKind = defineKind({
  kind: 'ebm.eqprop_rule',
  version: 1,
  title: 'Equilibrium Propagation rule',
  category: 'energy',
  doc:
    'The symmetric, integrated form of the STDP-compatible update: ΔW_ij = (α/β)[ρ(s_i^β)ρ(s_j^β) − ρ(s_i^0)ρ(s_j^0)] and Δb_i = (α/β)[ρ(s_i^β) − ρ(s_i^0)], from the free fixed point s^0 and the end s^β of the nudged phase, averaged over the minibatch. One learning rate per weight matrix (bottom to top); the bias of the upper layer of each matrix uses the same rate. "centered" runs two nudged phases from s^0, with +β and −β, and uses ΔW_ij = (α/2β)[ρ(s_i^+β)ρ(s_j^+β) − ρ(s_i^−β)ρ(s_j^−β)] (Laborieux et al. 2021): the first-order bias of the one-sided estimate cancels, at the price of a second nudged phase.',
  equation: 'Scellier & Bengio 2016, Eq. 10; Bengio et al. 2017, Sec. 3.2; centered: Laborieux et al. 2021',
  keywords: ['equilibrium propagation', 'EqProp'],
  inputs: {},
  outputs: { rule: port('rule', { doc: 'The learning rule, for a trainer.' }) },
  params: {
    lrs: floats([0.1, 0.05], { min: 0, max: 100, label: 'α', doc: 'Learning rate of each weight matrix, bottom to top.' }),
    centered: bool(false, { doc: 'Two nudged phases, +β and −β, from the same free fixed point, and their difference (symmetric nudging; not in the reference settings). The sign of β no longer matters.' }),
  },
  compile(ctx, _inputs, p) {
    if (!p.lrs.length) {
      ctx.error('give at least one learning rate', 'lrs');
      return null;
    }
    return { outputs: { rule: { form: 'eqprop', lrs: p.lrs, centered: p.centered } } };
  },
});

export const stdpRuleKind = defineKind({
  kind: 'ebm.stdp_rule',
  version: 1,
  title: 'STDP-compatible rule',
  category: 'energy',
  doc:
    'ΔW_ij ∝ ρ(s_i)·dρ(s_j)/dt: presynaptic rate times the rate of change of the postsynaptic rate, accumulated step by step over the nudged phase, (α/β)Σ_t ρ(s_i(t))[ρ(s_j(t+1)) − ρ(s_j(t))], averaged over the minibatch. "both" applies it to both directions of each tied synapse, which sums to the Equilibrium Propagation update minus the second-order term Σ_t Δρ_iΔρ_j; "bottom_up" or "top_down" uses one direction only (doubled, to keep the scale), except for the input weights: the clamped input\'s rate never changes, so they have only a bottom-up term, which "both" and "bottom_up" apply as it is and "top_down" leaves out (the input weights do not learn). The biases learn from their unit\'s rate change, (α/β)[ρ(s_j(end)) − ρ(s_j(start))].',
  equation: 'Bengio et al. 2017, Eq. 3.18; Bengio et al. 2015, Eq. 1',
  keywords: ['spike-timing-dependent plasticity'],
  inputs: {},
  outputs: { rule: port('rule', { doc: 'The learning rule, for a trainer.' }) },
  params: {
    lrs: floats([0.1, 0.05], { min: 0, max: 100, label: 'α', doc: 'Learning rate of each weight matrix, bottom to top.' }),
    direction: choice(['both', 'bottom_up', 'top_down'] as const, 'both', { doc: 'Which end of each synapse is presynaptic.' }),
  },
  compile(ctx, _inputs, p) {
    if (!p.lrs.length) {
      ctx.error('give at least one learning rate', 'lrs');
      return null;
    }
    return { outputs: { rule: { form: 'stdp', lrs: p.lrs, direction: p.direction } } };
  },
});
