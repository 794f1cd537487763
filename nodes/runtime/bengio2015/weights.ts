/**
 * The weights file written by "Save weights" and read by "Load weights": the architecture and every
 * module's W and b as base64 float32, so a trained model can be evaluated or sampled again without
 * retraining (graphs, the CLI and the scripts in docs/experiments all use it).
 */
import { readFile } from 'node:fs/promises';
import type * as TF from '@tensorflow/tfjs';
import type { Tf } from '../op.ts';
import { type ArchitectureSpec, HierarchicalModel } from './model.ts';

export const WEIGHTS_FORMAT = 'plasticity-weights';

interface SavedModule {
  node?: string;
  W: string;
  b: string;
}

interface WeightsDoc {
  format: typeof WEIGHTS_FORMAT;
  version: 1;
  architecture: ArchitectureSpec;
  encoders: SavedModule[];
  decoders: SavedModule[];
}

/** The JSON text of a weights file for the model. */
export async function weightsJson(model: HierarchicalModel): Promise<string> {
  const enc = async (t: TF.Tensor): Promise<string> => Buffer.from(((await t.data()) as Float32Array).buffer).toString('base64');
  const modules = async (ms: HierarchicalModel['f']) => Promise.all(ms.map(async (m) => ({ node: m.spec.node, W: await enc(m.W), b: await enc(m.b) })));
  const doc: WeightsDoc = { format: WEIGHTS_FORMAT, version: 1, architecture: model.arch, encoders: await modules(model.f), decoders: await modules(model.g) };
  return JSON.stringify(doc);
}

/** Reads a weights file into a new model. Errors are plain sentences about the file (no stack needed). */
export async function readWeights(tf: Tf, path: string, seed: number): Promise<HierarchicalModel> {
  let doc: Partial<WeightsDoc>;
  try {
    doc = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    throw new Error(`cannot read weights from ${path}: ${(e as Error).message}`);
  }
  const a = doc?.architecture;
  if (!doc || doc.format !== WEIGHTS_FORMAT || !a || !Array.isArray(doc.encoders) || !Array.isArray(doc.decoders) || doc.encoders.length !== a.encoders?.length || doc.decoders.length !== a.decoders?.length)
    throw new Error(`${path} is not a weights file written by Save weights`);
  const model = new HierarchicalModel(tf, a, seed);
  const dec = (s: string): Float32Array => {
    const b = Buffer.from(s, 'base64');
    return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  };
  const fill = (ms: HierarchicalModel['f'], saved: SavedModule[]): void => {
    for (const [k, m] of ms.entries()) {
      const W = dec(saved[k].W);
      const b = dec(saved[k].b);
      if (W.length !== m.W.size || b.length !== m.b.size) throw new Error(`${path}: weights of ${m.spec.node} have the wrong size`);
      tf.tidy(() => {
        m.W.assign(tf.tensor(W, m.W.shape));
        m.b.assign(tf.tensor(b, m.b.shape));
      });
    }
  };
  try {
    fill(model.f, doc.encoders);
    fill(model.g, doc.decoders);
  } catch (e) {
    model.dispose();
    throw e;
  }
  return model;
}
