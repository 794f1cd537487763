import { defineKind, one, metricRecord, pictureRecord } from '../../core/kind.ts';
import { str } from '../../core/params.ts';
import { port } from '../../core/ports.ts';
import { num } from './common.ts';

export const compareRulesKind = defineKind({
  kind: 'stdp.compare_rules',
  version: 1,
  title: 'Scatter and correlation',
  category: 'stdp',
  doc:
    'Scatter of y against x (e.g. STDP ΔW against rate-rule ΔW, one point per sequence) with the least-squares line; records the Pearson correlation r and the slope under the given names and writes the scatter as a PNG.',
  equation: 'Bengio et al. 2017, Fig. 5',
  inputs: {
    x: port('series', { doc: 'Horizontal values (the rate rule).' }),
    y: port('series', { doc: 'Vertical values (STDP), same length.' }),
  },
  outputs: {
    r: port('metric', { doc: 'Pearson correlation.' }),
    slope: port('metric', { doc: 'Least-squares slope of y on x.' }),
    image: port('image', { doc: 'The scatter plot.' }),
  },
  params: {
    r_metric: str('stdp_pearson_r', { doc: 'Metric name for r.' }),
    slope_metric: str('stdp_slope', { doc: 'Metric name for the slope.' }),
    image_name: str('stdp_scatter', { doc: 'File name (without .png) of the scatter plot.' }),
    x_label: str('x', { doc: 'Label of the horizontal axis.' }),
    y_label: str('y', { doc: 'Label of the vertical axis.' }),
  },
  records: (p) => [
    metricRecord(p.r_metric, 'r_metric', 'Pearson correlation between the two rules\' weight changes, one point per sequence: 1 when they agree up to scale.'),
    metricRecord(p.slope_metric, 'slope_metric', 'Least-squares slope of y on x (e.g. STDP ΔW per unit of rate-rule ΔW): positive when the rules agree in sign.'),
    pictureRecord(p.image_name, 'image_name', 'The scatter of y against x, one point per sequence, with the least-squares line.'),
  ],
  compile(ctx, inputs, p) {
    const nx = num(one(inputs, 'x').info, 'length');
    const ny = num(one(inputs, 'y').info, 'length');
    if (nx !== undefined && ny !== undefined && nx !== ny) {
      ctx.error(`x has ${nx} values but y has ${ny}; they must pair up`, 'y');
      return null;
    }
    if (nx !== undefined && nx < 2) {
      ctx.error(`x and y have ${nx} value${nx === 1 ? '' : 's'}: a correlation and a slope need at least 2 pairs (more rate sequences)`, 'x');
      return null;
    }
    for (const k of ['r_metric', 'slope_metric', 'image_name'] as const)
      if (!p[k].trim()) {
        ctx.error('give it a name', k);
        return null;
      }
    return { outputs: { r: {}, slope: {}, image: {} } };
  },
});
