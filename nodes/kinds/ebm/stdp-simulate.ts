import { defineKind, one } from '../../core/kind.ts';
import { choice, float, int } from '../../core/params.ts';
import { port } from '../../core/ports.ts';
import { num } from './common.ts';

/** The settings of a Spike trains node that Example spike sequence takes from it when wired to its `trains`. */
export type SpikeSettings = {
  window: number;
  tau: number;
  pre_max_prob: number;
  post_max_prob: number;
  coincident: 'ignore' | 'nearest';
};
/** Those settings' names, in the order the nodes list them. */
export const SPIKE_SETTINGS = ['window', 'tau', 'pre_max_prob', 'post_max_prob', 'coincident'] as const satisfies readonly (keyof SpikeSettings)[];

export const stdpSimulateKind = defineKind({
  kind: 'stdp.simulate',
  version: 1,
  title: 'Spike trains: rate rule vs STDP',
  category: 'stdp',
  doc:
    'Draws Bernoulli spike trains from each rate sequence (spike probability max_prob·rate per step) and applies two weight updates per train. The rate rule: ΔW = Σ_t S_i(t)(ρ_j(t+1) − ρ_j(t)). Nearest-neighbour STDP: for each presynaptic spike, look `window` steps before and after; skip it if there are postsynaptic spikes on both sides, none, or only one coinciding with it; otherwise take the nearest postsynaptic spike ΔT away and add +exp(−ΔT/τ) if it came after, −exp(ΔT/τ) if before. A postsynaptic spike at the same step as the presynaptic one: alone it means a skip (the paper\'s rule); beside spikes on one side, see coincident. Outputs the per-sequence means of both rules (for the scatter) and, per ΔT, the mean rate-rule ΔW at presynaptic spikes whose nearest postsynaptic spike is ΔT away (the STDP curve of the rate rule) and the same for STDP itself.',
  equation: 'Bengio et al. 2017, Sec. 4.2, Eq. 3.18, Figs. 4-5',
  keywords: ['spike-timing-dependent plasticity'],
  inputs: { rates: port('spikes', { doc: 'Rate sequences.' }) },
  outputs: {
    rate_dw: port('series', { doc: 'Per sequence: mean total ΔW of the rate rule over its trains.' }),
    stdp_dw: port('series', { doc: 'Per sequence: mean total ΔW of nearest-neighbour STDP.' }),
    curve: port('series', { doc: 'Mean rate-rule ΔW against ΔT = −window..window (Fig. 4, left).' }),
    stdp_curve: port('series', { doc: 'Mean STDP ΔW against ΔT (Fig. 4, right).' }),
    trains: port('spikes', {
      doc: 'The rate sequences with this node\'s spike settings (window, τ, spike probabilities, coincident): wire it to Example spike sequence to show one of the trains this node averages over, with the same settings whatever a sweep changes here.',
    }),
  },
  params: {
    trains: int(1000, { min: 1, max: 1000000, doc: 'Spike trains drawn per sequence.' }),
    window: int(20, { min: 1, max: 1000, doc: 'Steps looked at before and after each presynaptic spike.' }),
    tau: float(5, { min: 0.01, max: 1000, label: 'τ', doc: 'STDP time constant, in steps.' }),
    pre_max_prob: float(0.2, { min: 0, max: 1, doc: 'Presynaptic spike probability per step at rate 1.' }),
    post_max_prob: float(0.5, { min: 0, max: 1, doc: 'Postsynaptic spike probability per step at rate 1.' }),
    coincident: choice(['ignore', 'nearest'] as const, 'ignore', { doc: 'A postsynaptic spike at the presynaptic spike\'s own step, beside postsynaptic spikes on one side only (a lone one is always skipped). ignore: it is never the neighbour; the nearest spike on the one side is paired. nearest: it is the nearest neighbour, as the paper\'s "closest postsynaptic spike" reads literally; ΔT = 0, where the kernel is 0, so the presynaptic spike is paired but changes no weight.' }),
    rate_spikes: choice(['all', 'paired'] as const, 'all', { doc: 'The rate rule sums over all presynaptic spikes, or only over those STDP does not skip.' }),
  },
  compile(ctx, inputs, p) {
    const r = one(inputs, 'rates');
    const steps = num(r.info, 'steps');
    if (steps !== undefined && steps < 2) {
      ctx.error('the rate sequences need at least 2 steps', 'rates');
      return null;
    }
    const curve = { xStart: -p.window, xStep: 1, length: 2 * p.window + 1, xLabel: 'ΔT (steps)', yLabel: 'ΔW' };
    const perSeq = { length: num(r.info, 'sequences') ?? 0 };
    const settings: SpikeSettings = { window: p.window, tau: p.tau, pre_max_prob: p.pre_max_prob, post_max_prob: p.post_max_prob, coincident: p.coincident };
    return { outputs: { rate_dw: perSeq, stdp_dw: perSeq, curve, stdp_curve: curve, trains: { ...r.info, spikeSettings: settings } } };
  },
});
