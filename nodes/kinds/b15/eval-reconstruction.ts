import { defineKind } from '../../core/kind.ts';
import { int } from '../../core/params.ts';
import { port } from '../../core/ports.ts';

export const Reconstruction = 'eval.reconstruction';

export const reconstructionKind = defineKind({
  kind: Reconstruction,
  version: 1,
  title: 'Reconstruction error',
  category: 'evaluation',
  limits: ['testLimit'],
  doc: 'Mean squared error per pixel of x against g_1(f_1(x)) (the one-layer auto-encoder path), and a picture of the first `show` digits above their reconstructions.',
  equation: 'Bengio et al. 2015, Sec. 4 (||g1(h1) - x||^2)',
  inputs: { model: port('model'), data: port('dataset') },
  outputs: {
    mse: port('metric', { doc: 'Mean squared error per pixel of g1(f1(x)) against the test digits x (pixels in 0-1).' }),
    image: port('image', { doc: 'Rows: the first test digits, then their reconstructions g1(f1(x)).' }),
  },
  params: {
    count: int(10000, { min: 1, doc: 'Examples evaluated (the CLI --test-limit caps it).' }),
    show: int(10, { min: 1, max: 100, doc: 'Digits in the picture.' }),
  },
  compile: () => ({ outputs: { mse: {}, image: {} } }),
});
