/** Energy-based networks, Langevin dynamics, STDP-compatible rules and STDP simulations (Bengio et al. 2017). */
import type { AnyNodeKind } from '../../core/kind.ts';
import { evaluateKind } from './evaluate.ts';
import { loadNetworkKind, saveNetworkKind } from './io.ts';
import { langevinKind } from './langevin.ts';
import { networkKind } from './network.ts';
import { nudgeKind } from './nudge.ts';
import { probeKind } from './probe.ts';
import { receptiveFieldsKind } from './receptive-fields.ts';
import { relaxKind } from './relax.ts';
import { eqpropRuleKind, stdpRuleKind } from './rules.ts';
import { compareRulesKind } from './stdp-compare.ts';
import { curvePlotKind } from './stdp-curve-plot.ts';
import { neuronFig1Kind } from './stdp-fig1.ts';
import { rateSequencesKind } from './stdp-rates.ts';
import { stdpSimulateKind } from './stdp-simulate.ts';
import { spikeTraceKind } from './stdp-trace.ts';
import { trainKind } from './train.ts';

export const ebmKinds: AnyNodeKind[] = [
  networkKind,
  loadNetworkKind,
  saveNetworkKind,
  langevinKind,
  nudgeKind,
  eqpropRuleKind,
  stdpRuleKind,
  trainKind,
  evaluateKind,
  relaxKind,
  probeKind,
  receptiveFieldsKind,
  rateSequencesKind,
  stdpSimulateKind,
  spikeTraceKind,
  compareRulesKind,
  neuronFig1Kind,
  curvePlotKind,
];
