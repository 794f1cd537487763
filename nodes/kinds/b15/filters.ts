import { defineKind, pictureRecord } from '../../core/kind.ts';
import { choice, int, str } from '../../core/params.ts';
import { port } from '../../core/ports.ts';
import { checkName } from './outputs.ts';

export const Filters = 'output.filters';

export const filtersKind = defineKind({
  kind: Filters,
  version: 1,
  title: 'Filters (weights as images)',
  category: 'output',
  doc:
    'Draws the first-layer weights of a model as tiles, one per unit of h1: for f1 the weights from the pixels into the unit (what it responds to), for g1 the weights from the unit to the pixels (what it draws). Each tile is scaled by its own largest |w|: grey is 0, white the largest positive weight, black the most negative. With a reference model wired (e.g. the model before training) it draws the change w − w_ref. Writes NAME.png; the picture is also an output. Fewer units than `count`: all of them.',
  inputs: {
    model: port('model'),
    reference: port('model', { optional: true, doc: 'Draw the change from this model instead (the same sizes).' }),
  },
  outputs: { image: port('image', { doc: 'The tiles as a picture.' }) },
  params: {
    module: choice(['f1', 'g1'] as const, 'f1', { doc: 'f1: the encoder x → h1 (weights into each h1 unit); g1: the decoder h1 → x (weights out of each h1 unit).' }),
    name: str('filters', { doc: 'File name without .png.' }),
    count: int(100, { min: 1, max: 10000, doc: 'Units of h1 drawn, from the first.' }),
    cols: int(10, { min: 1, max: 100, doc: 'Tiles per row.' }),
    image_width: int(28, { min: 1, max: 10000, doc: 'Width in pixels of one tile; x must be a whole number of rows of it.' }),
  },
  compile: (ctx, _i, p) => (checkName(ctx, p.name) ? { outputs: { image: {} } } : null),
  records: (p) => [pictureRecord(p.name, 'name', p.module === 'g1' ? 'The decoder g1\'s weights out of the first h1 units, one 28 × 28 tile each.' : 'The encoder f1\'s weights into the first h1 units, one 28 × 28 tile each: what each unit responds to.')],
});
