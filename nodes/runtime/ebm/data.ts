/** The dataset values the energy-based nodes exchange (the MNIST node's splits fit). */
import { UserError } from '../op.ts';

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
