import { defineKind, one } from '../../core/kind.ts';
import { int } from '../../core/params.ts';
import { port } from '../../core/ports.ts';
import { layerInfo } from './layer-info.ts';

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
  compile: (_ctx, inputs) => {
    const layer = layerInfo(one(inputs, 'layer')).index;
    return { outputs: { corruption: { layer } }, resolved: { layer } };
  },
});
