import { defineKind, one, pictureRecord } from '../../core/kind.ts';
import { int, str } from '../../core/params.ts';
import { port } from '../../core/ports.ts';
import { checkName } from '../b15/outputs.ts';
import { sizesOf, sizesText } from './common.ts';

export const receptiveFieldsKind = defineKind({
  kind: 'ebm.receptive_fields',
  version: 1,
  title: 'Receptive fields',
  category: 'energy',
  doc:
    'Draws the weights from the visible layer into each of the first `count` units of the first hidden layer as one tile (the visible layer read row by row, `image_width` pixels wide: 28 for MNIST), each unit scaled by its own largest |w|: grey is 0, white its largest positive weight, black its most negative (0.5 + 0.5·w/max|w|). With a reference network wired, it draws the change w − w_ref instead: after training from random weights the weights still look like their random start, and the change shows what was learned. Writes NAME.png and shows it in the run panel; the picture is also an output. Fewer hidden units than `count`: all of them.',
  inputs: {
    network: port('network', { doc: 'A network (initial, trained or loaded).' }),
    reference: port('network', {
      optional: true,
      doc: 'Draw the change from this network instead (e.g. the initial network, to see what training added to the random weights). Same visible and first hidden layer sizes.',
    }),
  },
  outputs: { image: port('image', { doc: 'The tiles as a picture.' }) },
  params: {
    name: str('receptive_fields', { doc: 'File name without .png.' }),
    count: int(100, { min: 1, max: 10000, doc: 'Hidden units drawn, from the first.' }),
    cols: int(10, { min: 1, max: 100, doc: 'Tiles per row.' }),
    image_width: int(28, { min: 1, max: 10000, doc: 'Width in pixels of one tile; the visible layer must be a whole number of rows of it.' }),
  },
  records: (p) => [pictureRecord(p.name, 'name', 'The change training made to the input weights of the first hidden units, one 28 × 28 tile each (grey 0, white up, black down).')],
  compile(ctx, inputs, p) {
    const sizes = sizesOf(one(inputs, 'network'));
    const ref = inputs.reference && !Array.isArray(inputs.reference) ? sizesOf(inputs.reference) : [];
    if (sizes.length && ref.length && (sizes[0] !== ref[0] || sizes[1] !== ref[1])) {
      ctx.error(`the reference network (${sizesText(ref)}) does not match the network (${sizesText(sizes)}) in its first two layers`, 'reference');
      return null;
    }
    if (sizes.length && sizes[0] % p.image_width !== 0) {
      ctx.error(`the visible layer has ${sizes[0]} units (${sizesText(sizes)}), not a whole number of rows of ${p.image_width} pixels`, 'image_width');
      return null;
    }
    return checkName(ctx, p.name) ? { outputs: { image: {} } } : null;
  },
});
