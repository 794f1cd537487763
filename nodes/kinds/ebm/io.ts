import { defineKind, fileRecord, one } from '../../core/kind.ts';
import { str } from '../../core/params.ts';
import { port } from '../../core/ports.ts';
import { checkSaveName } from '../b15/model-io.ts';

export const saveNetworkKind = defineKind({
  kind: 'ebm.save',
  version: 1,
  title: 'Save network',
  category: 'energy',
  doc: 'Writes the network (layer sizes, activation, weights and biases) to NAME.network.json in the output folder, to be read back by Load network: evaluate, relax or probe a trained network without training it again.',
  inputs: { network: port('network') },
  outputs: {},
  params: { name: str('network', { doc: 'File name without .network.json.' }) },
  records: (p) => [fileRecord(`${p.name}.network.json`, 'name')],
  compile: (ctx, inputs, p) => {
    one(inputs, 'network');
    return checkSaveName(ctx, p.name) ? { outputs: {} } : null;
  },
});

export const loadNetworkKind = defineKind({
  kind: 'ebm.load',
  version: 1,
  title: 'Load network',
  category: 'energy',
  doc: 'Reads a network written by Save network (its layer sizes and activation come from the file). `plasticity validate` and the start of a run check that the file is there (one a Save network of the same graph writes need not be).',
  inputs: {},
  outputs: { network: port('network', { doc: 'The saved network.' }) },
  params: { path: str('', { doc: 'Path of a .network.json file. Relative paths start from the workspace in the app (e.g. runs/<run folder>/eqprop.network.json; Pick… lists the networks the runs saved) and from the current folder in the CLI.' }) },
  compile: (ctx, _inputs, p) => {
    if (!p.path.trim()) {
      ctx.error('give the path of a .network.json file', 'path');
      return null;
    }
    return { outputs: { network: {} } };
  },
});
