/**
 * Saving and loading an energy-based network: NAME.network.json holds the layer sizes, the activation and each
 * weight matrix and bias vector as base64 float32 (little-endian), checked against the sizes when read back.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { Tf } from '../op.ts';
import { decodeFloats, fileProblem } from '../saved-files.ts';
import { type EbmNetwork, disposeAll, makeNetwork } from './network.ts';

export const NETWORK_FORMAT = 'plasticity-ebm-network';

const NetworkFile = z.object({
  format: z.literal(NETWORK_FORMAT),
  version: z.literal(1),
  sizes: z.array(z.number().int().positive()).min(2),
  activation: z.enum(['hard_sigmoid', 'sigmoid']),
  W: z.array(z.string()),
  b: z.array(z.string()),
});
type NetworkFile = z.infer<typeof NetworkFile>;

const encode = (a: Float32Array): string => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');


export function networkJson(net: EbmNetwork): string {
  const { W, b } = net.read();
  const doc: NetworkFile = { format: NETWORK_FORMAT, version: 1, sizes: net.sizes, activation: net.activation, W: W.map(encode), b: b.map(encode) };
  return JSON.stringify(doc);
}

/** Reads a file written by `networkJson` into a new network. Errors are plain sentences about the file. */
export async function readNetwork(tf: Tf, path: string): Promise<EbmNetwork> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    throw new Error(`cannot read a network from ${path}: ${fileProblem(e)}`);
  }
  const parsed = NetworkFile.safeParse(raw);
  if (!parsed.success) throw new Error(`${path} is not a network file written by Save network (${parsed.error.issues[0].path.join('.') || 'format'}: ${parsed.error.issues[0].message})`);
  const { sizes, activation } = parsed.data;
  const L = sizes.length - 1;
  if (parsed.data.W.length !== L || parsed.data.b.length !== L)
    throw new Error(`${path}: a ${sizes.join('-')} network has ${L} weight matrices and bias vectors, the file holds ${parsed.data.W.length} and ${parsed.data.b.length}`);
  const W = parsed.data.W.map((w, l) => decodeFloats(w, path, `weight matrix ${l}`));
  const b = parsed.data.b.map((x, l) => decodeFloats(x, path, `bias vector ${l}`));
  for (let l = 0; l < L; l++) {
    if (W[l].length !== sizes[l] * sizes[l + 1]) throw new Error(`${path}: weight matrix ${l} should hold ${sizes[l]}×${sizes[l + 1]} values, it holds ${W[l].length}`);
    if (b[l].length !== sizes[l + 1]) throw new Error(`${path}: bias vector ${l} should hold ${sizes[l + 1]} values, it holds ${b[l].length}`);
  }
  const Wt = W.map((w, l) => tf.tensor2d(w, [sizes[l], sizes[l + 1]]));
  const bt = b.map((x) => tf.tensor1d(x));
  const net = makeNetwork(tf, sizes, activation, Wt, bt);
  disposeAll([...Wt, ...bt]);
  return net;
}
