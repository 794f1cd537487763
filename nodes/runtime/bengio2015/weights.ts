/**
 * The weights file written by "Save weights" and read by "Load weights": the architecture and every
 * module's W and b as base64 float32, so a trained model can be evaluated or sampled again without
 * retraining (graphs, the CLI and the scripts in docs/experiments all use it).
 */
import { readFile } from 'node:fs/promises';
import type * as TF from '@tensorflow/tfjs';
import { z } from 'zod';
import { MAX_WEIGHTS, weightCount } from '../../core/params.ts';
import type { Tf } from '../op.ts';
import { decodeFloats, fileProblem } from '../saved-files.ts';
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

const units = z.number().int().positive();
const moduleSpec = z.object({
  node: z.string(),
  inUnits: units,
  outUnits: units,
  activation: z.enum(['softplus', 'sigmoid', 'tanh', 'relu', 'linear']),
  // Not needed to run a saved model (files written before they were recorded lack them).
  initGain: z.number().default(1),
  lr: z.number().nullable().default(null),
});
const savedModule = z.object({ node: z.string().optional(), W: z.string(), b: z.string() });
const WeightsFile = z
  .object({
    format: z.literal(WEIGHTS_FORMAT),
    version: z.literal(1),
    architecture: z.object({ sizes: z.array(units).min(2), encoders: z.array(moduleSpec), decoders: z.array(moduleSpec) }),
    encoders: z.array(savedModule),
    decoders: z.array(savedModule),
  })
  .refine((d) => d.encoders.length === d.architecture.encoders.length && d.decoders.length === d.architecture.decoders.length, 'as many saved modules as the architecture lists')
  .refine((d) => weightCount([...d.architecture.encoders, ...d.architecture.decoders]) <= MAX_WEIGHTS, `at most ${MAX_WEIGHTS.toLocaleString('en')} weights`);


/** The JSON text of a weights file for the model. */
export async function weightsJson(model: HierarchicalModel): Promise<string> {
  const enc = async (t: TF.Tensor): Promise<string> => Buffer.from(((await t.data()) as Float32Array).buffer).toString('base64');
  const modules = async (ms: HierarchicalModel['f']) => Promise.all(ms.map(async (m) => ({ node: m.spec.node, W: await enc(m.W), b: await enc(m.b) })));
  const doc: WeightsDoc = { format: WEIGHTS_FORMAT, version: 1, architecture: model.arch, encoders: await modules(model.f), decoders: await modules(model.g) };
  return JSON.stringify(doc);
}

/** Reads a weights file into a new model. Errors are plain sentences about the file (no stack needed). */
export async function readWeights(tf: Tf, path: string, seed: number): Promise<HierarchicalModel> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    throw new Error(`cannot read weights from ${path}: ${fileProblem(e)}`);
  }
  const r = WeightsFile.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new Error(`${path} is not a weights file written by Save weights (${issue.path.length ? `${issue.path.join('.')}: ` : ''}${issue.message})`);
  }
  const doc = r.data as WeightsDoc;
  const a = doc.architecture;
  const model = new HierarchicalModel(tf, a, seed);
  const fill = (ms: HierarchicalModel['f'], saved: SavedModule[]): void => {
    for (const [k, m] of ms.entries()) {
      const W = decodeFloats(saved[k].W, path, `the weight matrix W of ${m.spec.node}`);
      const b = decodeFloats(saved[k].b, path, `the bias vector b of ${m.spec.node}`);
      if (W.length !== m.W.size) throw new Error(`${path}: weights of ${m.spec.node} have the wrong size: its weight matrix W should hold ${m.W.shape.join('×')} values, it holds ${W.length}`);
      if (b.length !== m.b.size) throw new Error(`${path}: weights of ${m.spec.node} have the wrong size: its bias vector b should hold ${m.b.size} values, it holds ${b.length}`);
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
