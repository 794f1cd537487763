import { defineKind, one } from '../../core/kind.ts';
import { choice, float } from '../../core/params.ts';
import { port } from '../../core/ports.ts';
import { ACTIVATIONS } from './encoder.ts';
import { type ModuleInfo, isDirectlyAbove, layerInfo, layerName } from './layer-info.ts';

export const Decoder = 'layers.decoder';

export const decoderKind = defineKind({
  kind: Decoder,
  version: 1,
  title: 'Decoder g',
  category: 'layers',
  doc: 'The feedback (generative) map p(h_{l-1} | h_l): reconstructs the layer below from the layer above, act(V h_l + c), Gaussian with variance 1. Wire `from` to h_l and `to` to h_{l-1}.',
  equation: 'Bengio et al. 2015, Sec. 4: g_l; Eq. 12',
  inputs: {
    from: port('layer', { doc: 'The layer above, h_l.' }),
    to: port('layer', { doc: 'The layer it reconstructs, h_{l-1}.' }),
  },
  outputs: { decoder: port('decoder') },
  params: {
    activation: choice(ACTIVATIONS, 'sigmoid', { doc: 'Nonlinearity of the reconstruction (sigmoid for pixels, softplus for a softplus layer).' }),
    initGain: float(1, { min: 0, max: 10, doc: 'Multiplier of the Glorot uniform scale.' }),
    lr: float(0, { min: 0, max: 10, zero: 'trainer\'s', doc: 'Learning rate of this module (0 = the trainer\'s).' }),
  },
  compile: (ctx, inputs, p) => {
    const from = layerInfo(one(inputs, 'from'));
    const to = layerInfo(one(inputs, 'to'));
    if (!isDirectlyAbove(to, from)) {
      // Name the wire that fits: the layer below `from` is the output of the encoder under it, or the data's x.
      const below = from.index === 1 ? `${from.root}.x` : from.index > 1 ? `${from.path[from.index - 2]!.node}.out` : null;
      const fix = below ? `; wire ${below}, the layer ${layerName({ ...from, index: from.index - 1 })}, to it` : '; from is x, which has no layer below it: wire from to a layer above x';
      ctx.error(`a decoder must map a layer to the layer directly below it in the same stack; ${layerName(from)} (${from.units} units) is not directly above ${layerName(to)} (${to.units} units)${fix}`, 'to');
      return null;
    }
    const module: ModuleInfo = { node: ctx.nodeId, inUnits: from.units, outUnits: to.units, activation: p.activation, initGain: p.initGain, lr: p.lr > 0 ? p.lr : null };
    return { outputs: { decoder: { level: from.index, root: from.root, top: from.path.map((m) => m.node).join('/'), module } } };
  },
});
