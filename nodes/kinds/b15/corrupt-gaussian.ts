import { defineKind, one } from '../../core/kind.ts';
import { float } from '../../core/params.ts';
import { port } from '../../core/ports.ts';
import { corruptionInfo, layerInfo } from './layer-info.ts';

export const GaussianCorruption = 'corrupt.gaussian';

export const gaussianCorruptionKind = defineKind({
  kind: GaussianCorruption,
  version: 1,
  title: 'Gaussian noise',
  category: 'corruption',
  doc: 'Adds N(0, sigma^2) noise to the layer it is wired to, before that layer is used as the input of a local loss (the ~x and ~h1 of the M-step).',
  equation: 'Bengio et al. 2015, Sec. 4 (corrupted ~h_l)',
  inputs: { layer: port('layer', { doc: 'The layer to corrupt.' }) },
  outputs: { corruption: port('corruption') },
  params: { sigma: float(0.3, { min: 0, max: 10, label: 'σ', doc: 'Standard deviation of the noise.' }) },
  compile: (_ctx, inputs) => {
    const l = layerInfo(one(inputs, 'layer'));
    return { outputs: { corruption: corruptionInfo(GaussianCorruption, l) }, resolved: { layer: l.index } };
  },
});
