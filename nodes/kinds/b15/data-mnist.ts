import { defineKind, sourceNode, type ValueMeta } from '../../core/kind.ts';
import { int, str } from '../../core/params.ts';
import { port } from '../../core/ports.ts';

export const MnistData = 'data.mnist';

export const mnistDataKind = defineKind({
  kind: MnistData,
  version: 1,
  title: 'MNIST',
  category: 'data',
  limits: ['trainLimit', 'testLimit'],
  doc: 'MNIST digits, pixels scaled to [0, 1] (784 values). Reads the four IDX files (gzipped or not) from a folder; with no folder, the embedded 10,000-digit subset that needs no download. The validation split is the last digits of the training set, as in the Parzen protocol.',
  equation: 'Bengio et al. 2015, Sec. 8 (data)',
  inputs: {},
  outputs: {
    train: port('dataset', { doc: 'Training digits (without the validation digits).' }),
    valid: port('dataset', { doc: 'The last validCount training digits.' }),
    test: port('dataset', { doc: 'The test digits.' }),
    x: port('layer', { doc: 'The visible layer x = h0 (784 units), the bottom of a hierarchy.' }),
  },
  params: {
    dataDir: str('', { doc: 'Folder with train-images-idx3-ubyte(.gz) etc. Empty: the embedded set. A relative path starts from the workspace in the app (the folder holding runs/), from the working folder in the CLI; ~ is the home folder. The CLI\'s --data-dir, when given, takes the place of this folder.' }),
    validCount: int(10000, { min: 0, max: 10000, zero: 'none', doc: 'The last training digits, held out for validation (0 = train on all). At most a sixth of the training set is held out: all 10,000 of MNIST\'s 60,000, 1,333 of the embedded 8,000.' }),
    trainLimit: int(0, { min: 0, zero: 'all', doc: 'Use only the first N training digits (0 = all).' }),
    testLimit: int(0, { min: 0, zero: 'all', doc: 'Use only the first N test digits (0 = all).' }),
  },
  compile: (ctx, _inputs, p) => ({
    outputs: {
      train: { dim: 784, inputSize: 784, classes: 10 },
      valid: { dim: 784, inputSize: 784, classes: 10, ...(p.validCount === 0 ? { empty: `${ctx.nodeId}'s validCount is 0 (no training digits held out); set it to 1000 or more` } : {}) },
      // (split: a trainer wired to the test digits says so: its evaluators would then measure digits it trained on)
      test: { dim: 784, inputSize: 784, classes: 10, split: 'test' },
      x: { index: 0, units: 784, root: ctx.nodeId, path: [] },
    },
  }),
});

/**
 * The warning for a trainer whose training data `data` is the test split of an MNIST node (null for any other data):
 * an error measured on the test digits afterwards would no longer be a test error.
 */
export function trainsOnTestDigits(data: ValueMeta): string | null {
  if (data.info.split !== 'test') return null;
  const node = sourceNode(data);
  return `trains on ${data.ref}, the test digits, so an error measured on them afterwards is no longer a test error; wire ${node}.train here (and ${node}.test to the evaluators)`;
}
