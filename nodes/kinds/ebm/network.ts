import { defineKind } from '../../core/kind.ts';
import { choice, float, floats, int, MAX_WEIGHTS } from '../../core/params.ts';
import { port } from '../../core/ports.ts';
import { num } from './common.ts';

export const networkKind = defineKind({
  kind: 'ebm.network',
  version: 1,
  title: 'Energy-based network',
  category: 'energy',
  doc:
    'Layers of units with state s and firing rate ρ(s) = clip(s,0,1) (or a sigmoid), symmetric weights between adjacent layers and biases, with the energy E(s) = ½Σs_i² − ½Σ_{i≠j} W_ij ρ(s_i)ρ(s_j) − Σ b_i ρ(s_i). The first layer is the visible layer, clamped to the data; the last is the output layer (one unit per class). Energies reported by the nodes leave out the clamped layer\'s own term ½Σx_i², a constant for each example that changes neither the dynamics nor the updates. Wire a data set to take the input size from it.',
  equation: 'Bengio et al. 2017, Eq. 2.7; Scellier & Bengio 2016, Eq. 1',
  keywords: ['Hopfield energy', 'Hopfield network'],
  inputs: {
    data: port('dataset', { optional: true, doc: 'Sets the size of the visible layer (and checks the output layer against the number of classes).' }),
  },
  outputs: {
    network: port('network', { doc: 'The network with its initial weights.' }),
  },
  params: {
    input_size: int(784, { min: 1, max: 100000, doc: 'Units of the visible layer when no data set is wired.' }),
    hidden: floats([500], { min: 1, max: 100000, doc: 'Units of each hidden layer, bottom to top (whole numbers).' }),
    output_size: int(10, { min: 1, max: 10000, doc: 'Units of the output layer.' }),
    activation: choice(['hard_sigmoid', 'sigmoid'] as const, 'hard_sigmoid', { doc: 'ρ: the hard sigmoid clip(s,0,1) of the paper, or sigmoid(4s−2). It applies to the clamped input too: with sigmoid a black pixel has rate sigmoid(−2) ≈ 0.12, and an output unit\'s fixed-point state is no longer its input clipped to [0, 1], as it is with the hard sigmoid (the input readout\'s reason).' }),
    init: choice(['glorot_uniform', 'constant'] as const, 'glorot_uniform', { doc: 'Weights uniform in ±scale·sqrt(6/(n_in+n_out)) (Glorot & Bengio), or all equal to scale.' }),
    init_scale: float(1, { min: -100, max: 100, doc: 'Gain of the Glorot range, or the constant weight.' }),
    bias_init: float(0, { min: -100, max: 100, doc: 'Initial value of every bias.' }),
  },
  compile(ctx, inputs, p) {
    if (p.hidden.some((h: number) => !Number.isInteger(h))) {
      ctx.error('the hidden layer sizes must be whole numbers', 'hidden');
      return null;
    }
    const data = inputs.data && !Array.isArray(inputs.data) ? inputs.data : undefined;
    const inputSize = (data && num(data.info, 'inputSize')) ?? p.input_size;
    const classes = data && num(data.info, 'classes');
    if (classes !== undefined && p.output_size !== classes) {
      ctx.error(`the output layer has ${p.output_size} units but the data has ${classes} classes; give it ${classes} (one output unit per class)`, 'output_size');
      return null;
    }
    const sizes = [inputSize, ...p.hidden, p.output_size];
    const weights = sizes.slice(1).reduce((sum, n, i) => sum + sizes[i] * n, 0);
    if (weights > MAX_WEIGHTS) {
      const gb = ((weights * 4) / 2 ** 30).toFixed(1);
      ctx.error(`${sizes.join('-')} has ${weights.toLocaleString('en-US')} weights (${gb} GiB as float32), more than the ${MAX_WEIGHTS.toLocaleString('en-US')} (1 GiB) a network can hold here; make the layers smaller`, 'hidden');
      return null;
    }
    return { outputs: { network: { sizes, activation: p.activation } }, resolved: { sizes } };
  },
});
