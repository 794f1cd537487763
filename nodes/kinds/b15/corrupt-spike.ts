import { defineKind, one } from '../../core/kind.ts';
import { int } from '../../core/params.ts';
import { port } from '../../core/ports.ts';
import { corruptionInfo, layerInfo } from './layer-info.ts';

export const SpikeCorruption = 'corrupt.spike';

export const spikeCorruptionKind = defineKind({
  kind: SpikeCorruption,
  version: 1,
  title: 'Spike-average (Bernoulli)',
  category: 'corruption',
  doc: 'Replaces each unit h (clipped to [0,1]) by the mean of k Bernoulli samples with p = h: the "spike-like" corruption of the top layer.',
  equation: 'Bengio et al. 2015, Sec. 4 (~h2: mean of 3 Bernoulli samples)',
  inputs: { layer: port('layer', { doc: 'The layer to corrupt (its units should lie in [0,1], e.g. sigmoid).' }) },
  outputs: { corruption: port('corruption') },
  params: { samples: int(3, { min: 1, max: 1000, label: 'k', doc: 'Bernoulli samples averaged.' }) },
  compile: (ctx, inputs) => {
    const l = layerInfo(one(inputs, 'layer'));
    // Spikes are drawn with the unit's value as probability: only a sigmoid layer (or x, pixels in [0, 1]) gives one.
    const act = l.index > 0 ? l.path[l.index - 1]?.activation : undefined;
    if (act !== undefined && act !== 'sigmoid')
      ctx.warn(`h${l.index} is a ${act} layer, whose values can lie outside [0, 1]: the spikes are drawn with each value clipped to [0, 1] as the probability`, 'layer');
    return { outputs: { corruption: corruptionInfo(SpikeCorruption, l) }, resolved: { layer: l.index } };
  },
});
