import { defineKind, one } from '../../core/kind.ts';
import { choice, float, int } from '../../core/params.ts';
import { port } from '../../core/ports.ts';
import { type LayerInfo, type ModuleInfo, layerInfo } from './layer-info.ts';

export const Encoder = 'layers.encoder';
export const ACTIVATIONS = ['softplus', 'sigmoid', 'tanh', 'relu', 'linear'] as const;

export const encoderKind = defineKind({
  kind: Encoder,
  version: 1,
  title: 'Encoder f',
  category: 'layers',
  doc: 'The feedforward (recognition) map q(h_l | h_{l-1}): h_l = act(W h_{l-1} + b), Gaussian with variance 1. Its output is a new layer of the hierarchy.',
  equation: 'Bengio et al. 2015, Sec. 4: f_l; Algorithm 2',
  inputs: { in: port('layer', { doc: 'The layer below, h_{l-1}.' }) },
  outputs: { out: port('layer', { doc: 'The new layer h_l.' }) },
  params: {
    units: int(1000, { min: 1, max: 65536, doc: 'Units in h_l.' }),
    activation: choice(ACTIVATIONS, 'softplus', { doc: 'Nonlinearity of h_l.' }),
    initGain: float(1, { min: 0, max: 10, doc: 'Multiplier of the Glorot uniform scale sqrt(6/(fan_in+fan_out)).' }),
    lr: float(0, { min: 0, max: 10, zero: 'trainer\'s', doc: 'Learning rate of this module (0 = the trainer\'s).' }),
  },
  compile: (ctx, inputs, p) => {
    const below = layerInfo(one(inputs, 'in'));
    const self: ModuleInfo = { node: ctx.nodeId, inUnits: below.units, outUnits: p.units, activation: p.activation, initGain: p.initGain, lr: p.lr > 0 ? p.lr : null };
    const out: LayerInfo = { index: below.index + 1, units: p.units, root: below.root, path: [...below.path, self] };
    return { outputs: { out } };
  },
});
