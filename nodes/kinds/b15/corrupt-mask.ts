import { defineKind, one } from '../../core/kind.ts';
import { choice, float } from '../../core/params.ts';
import { port } from '../../core/ports.ts';
import { corruptionInfo, layerInfo } from './layer-info.ts';

export const MaskCorruption = 'corrupt.mask';

export const maskCorruptionKind = defineKind({
  kind: MaskCorruption,
  version: 1,
  title: 'Pixel mask',
  category: 'corruption',
  doc: 'Hides a random fraction of the pixels of each image (a new mask per image, scattered over the image) and fills them with uniform noise or zeros; used for in-painting. The default is the paper\'s Fig. 5: "half of the pixels randomly sampled (with a different corruption pattern in each row)", not a contiguous half of the image.',
  equation: 'Bengio et al. 2015, Sec. 5, Fig. 5 (in-painting)',
  inputs: { layer: port('layer', { doc: 'The visible layer x.' }) },
  outputs: { corruption: port('corruption') },
  params: {
    fraction: float(0.5, { min: 0, max: 1, doc: 'Fraction of pixels hidden.' }),
    fill: choice(['noise', 'zero'] as const, 'noise', { doc: 'What the hidden pixels show before in-painting.' }),
  },
  compile: (ctx, inputs, p) => {
    const layer = layerInfo(one(inputs, 'layer'));
    if (layer.index !== 0) {
      ctx.error(`a pixel mask applies to the visible layer x, not to h${layer.index}`, 'layer');
      return null;
    }
    // as many as the runtime's mask hides (randomMask: round(fraction × D) per image)
    return { outputs: { corruption: corruptionInfo(MaskCorruption, layer, { hidden: Math.round(p.fraction * layer.units) }) }, resolved: { layer: 0 } };
  },
});
