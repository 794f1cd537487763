/** The dataset values the energy-based nodes exchange, and the MNIST source node's loader. */
import { loadMnist, takeFirst, type Split } from '../data/mnist.ts';
import { UserError, type RunContext } from '../op.ts';

/** A split on a `dataset` wire: n examples of `inputSize` values in [0,1] with labels in [0, classes). */
export interface EbmDataset {
  type: 'dataset';
  images: Float32Array;
  labels: Uint8Array;
  n: number;
  inputSize: number;
  classes: number;
  description: string;
}

/** Accepts any value with images/labels/n (so another data node's split also fits). */
export function asDataset(v: unknown, node: string, port: string): EbmDataset {
  const d = v as Partial<EbmDataset> | undefined;
  if (!d || !(d.images instanceof Float32Array) || !(d.labels instanceof Uint8Array) || typeof d.n !== 'number')
    throw new UserError(`input ${port} did not receive a data set`, node);
  const inputSize = d.inputSize ?? Math.round(d.images.length / Math.max(1, d.n));
  return { type: 'dataset', images: d.images, labels: d.labels, n: d.n, inputSize, classes: d.classes ?? 10, description: d.description ?? '' };
}

export async function loadMnistSplits(ctx: RunContext, trainCount: number, testCount: number): Promise<{ train: EbmDataset; test: EbmDataset; description: string }> {
  let data;
  try {
    data = await loadMnist(ctx.options.dataDir ? { dir: ctx.options.dataDir } : {});
  } catch (e) {
    throw new UserError((e as Error).message, ctx.step.node);
  }
  const limit = (split: Split, param: number, override: number | undefined): Split => {
    let n = split.n;
    if (param > 0) n = Math.min(n, param);
    if (override !== undefined && override > 0) n = Math.min(n, override);
    return takeFirst(split, n);
  };
  const tr = limit(data.train, trainCount, ctx.options.trainLimit);
  const te = limit(data.test, testCount, ctx.options.testLimit);
  const wrap = (s: Split, what: string): EbmDataset => ({
    type: 'dataset',
    images: s.images,
    labels: s.labels,
    n: s.n,
    inputSize: 784,
    classes: 10,
    description: `${s.n} ${what} digits (${data.source})`,
  });
  return { train: wrap(tr, 'training'), test: wrap(te, 'test'), description: data.description };
}
