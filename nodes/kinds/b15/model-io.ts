import { type CompileCtx, defineKind, fileRecord } from '../../core/kind.ts';
import { str } from '../../core/params.ts';
import { port } from '../../core/ports.ts';

export const SaveModel = 'model.save';
export const LoadModel = 'model.load';

/**
 * The sorts of file a Save node writes into its run's folder and a Load node reads back: how each file's name ends,
 * and the Load kind that reads it (its `path` parameter names the file).
 */
export const SAVED_SORTS = {
  network: { suffix: '.network.json', load: 'ebm.load' },
  weights: { suffix: '.weights.json', load: LoadModel },
} as const;
export type SavedSort = keyof typeof SAVED_SORTS;
export const SAVED_SORT_NAMES = Object.keys(SAVED_SORTS) as [SavedSort, ...SavedSort[]];

/** A Save node's file name: letters, digits, _ . - only (no folders). Reports on `name` and returns false if not. */
export function checkSaveName(ctx: CompileCtx, name: string): boolean {
  if (/^[A-Za-z0-9_.-]+$/.test(name)) return true;
  ctx.error(`the name "${name}" may use only letters, digits, _ . -`, 'name');
  return false;
}

export const saveModelKind = defineKind({
  kind: SaveModel,
  version: 1,
  title: 'Save weights',
  category: 'output',
  doc: 'Writes the model\'s architecture and weights to NAME.weights.json in the output folder, to be read back by Load weights (e.g. to evaluate other samplers without training again).',
  inputs: { model: port('model') },
  outputs: {},
  params: { name: str('model', { doc: 'File name without .weights.json.' }) },
  records: (p) => [fileRecord(`${p.name}.weights.json`, 'name')],
  compile: (ctx, _i, p) => (checkSaveName(ctx, p.name) ? { outputs: {} } : null),
});

export const loadModelKind = defineKind({
  kind: LoadModel,
  version: 1,
  title: 'Load weights',
  category: 'layers',
  doc: 'Reads a model (architecture and weights) written by Save weights. `plasticity validate` and the start of a run check that the file is there (one a Save weights of the same graph writes need not be).',
  inputs: {},
  outputs: { model: port('model') },
  params: { path: str('', { doc: 'Path of a .weights.json file. Relative paths start from the workspace in the app (e.g. runs/<run folder>/model.weights.json; Pick… lists the weights the runs saved) and from the current folder in the CLI.' }) },
  compile: (ctx, _i, p) => {
    if (!p.path) {
      ctx.error('give the path of a .weights.json file', 'path');
      return null;
    }
    return { outputs: { model: {} } };
  },
});
