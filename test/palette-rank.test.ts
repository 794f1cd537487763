// The palette search's ranking (renderer/src/lib/palette-rank.ts): a match in the title ranks above one in the kind id,
// and both above one only in the doc or the paper equation, so Enter (which adds the top item) adds the kind meant.
import { describe, expect, it } from 'vitest';
import { CATEGORY_TITLES } from '../nodes/core/index.ts';
import { createRegistry } from '../nodes/kinds/index.ts';
import { matchRank, paletteGroups, RANK, rankKinds } from '../renderer/src/lib/palette-rank.ts';

const kinds = createRegistry().all();
const categories = Object.keys(CATEGORY_TITLES);
/** The kind at the top of the palette (the first item of the first group), as Enter picks it. */
const top = (q: string): string | undefined => paletteGroups(kinds, categories, q)[0]?.items[0]?.kind;
const shown = (q: string): string[] => paletteGroups(kinds, categories, q).flatMap((g) => g.items.map((k) => k.kind));

describe('palette search ranking', () => {
  it('puts the kind named by the query first: "train" the EqProp trainer, not MNIST (whose doc mentions training)', () => {
    expect(top('train')).toBe('ebm.eqprop_train');
    expect(top('Train')).toBe('ebm.eqprop_train');
    // The other trainer ("Local training") next: a word of its title starts with the query.
    expect(shown('train').slice(0, 2)).toEqual(['ebm.eqprop_train', 'train.local']);
    expect(shown('train')).toContain('data.mnist');
    expect(shown('train').indexOf('data.mnist')).toBeGreaterThan(1);
    expect(top('mnist')).toBe('data.mnist');
    expect(top('parzen')).toBe('eval.parzen');
    expect(top('  PARZEN ')).toBe('eval.parzen');
    expect(top('nudge')).toBe('ebm.nudge');
  });

  it('finds a kind by the names users know its method by (keywords), from both papers', () => {
    // The Inference loop's targetprop update is difference target propagation (Bengio et al. 2015, Algorithm 2):
    for (const q of ['difference target propagation', 'DTP', 'dtp', 'target propagation', 'target prop', 'Difference target']) expect(top(q), q).toBe('infer.iterative');
    for (const q of ['equilibrium propagation', 'EqProp', 'eqprop']) expect(top(q), q).toBe('ebm.eqprop_rule');
    expect(shown('equilibrium propagation')).toContain('ebm.eqprop_train');
    expect(top('STDP')).toBe('ebm.stdp_rule');
    expect(shown('spike-timing')).toEqual(expect.arrayContaining(['ebm.stdp_rule', 'stdp.simulate']));
    expect(top('Langevin')).toBe('ebm.langevin');
    expect(top('Parzen')).toBe('eval.parzen');
    for (const q of ['backprop', 'backpropagation']) expect(top(q), q).toBe('ebm.early_inference_probe');
    expect(top('denoising autoencoder')).toBe('sample.jdae');
    expect(top('inpainting')).toBe('eval.inpaint');
    expect(top('weak clamping')).toBe('ebm.nudge');
    expect(top('Hopfield')).toBe('ebm.network');
  });

  it('ranks a word of a keyword below a title word and above a match inside a title or an id', () => {
    const k = { kind: 'x.abc', title: 'Alpha', doc: '', category: 'c', keywords: ['difference target propagation', 'DTP'] };
    expect(matchRank(k, 'dtp')).toBe(RANK.keyword);
    expect(matchRank(k, 'target prop')).toBe(RANK.keyword);
    expect(matchRank(k, 'arget')).toBe(RANK.other);
    expect(RANK.titleWord).toBeLessThan(RANK.keyword);
    expect(RANK.keyword).toBeLessThan(RANK.title);
    const inTitle = { kind: 'y', title: 'Gradtp', doc: '', category: 'c' };
    const inId = { kind: 'z.gradtp', title: 'Other', doc: '', category: 'c' };
    expect(rankKinds([inId, inTitle, k], 'dtp').map((x) => x.kind)).toEqual(['x.abc', 'y', 'z.gradtp']);
  });

  it('ranks title prefix, then a title word, then elsewhere in the title, then the kind id, then doc or equation', () => {
    const k = { kind: 'x.foo_bar', title: 'Alpha betagamma', doc: 'delta', category: 'c', equation: 'Eq. 7' };
    expect(matchRank(k, 'alp')).toBe(RANK.titlePrefix);
    expect(matchRank(k, 'beta')).toBe(RANK.titleWord);
    expect(matchRank(k, 'gamma')).toBe(RANK.title);
    expect(matchRank(k, 'bar')).toBe(RANK.idWord);
    expect(matchRank(k, 'oo_b')).toBe(RANK.id);
    expect(matchRank(k, 'delta')).toBe(RANK.other);
    expect(matchRank(k, 'eq. 7')).toBe(RANK.other);
    expect(matchRank(k, 'zeta')).toBeNull();
    const a = { ...k, kind: 'a', title: 'Uses delta', doc: '' };
    const b = { ...k, kind: 'b', title: 'Other', doc: 'delta' };
    const c = { ...k, kind: 'delta.c', title: 'Other', doc: '' };
    expect(rankKinds([b, c, a], 'delta').map((x) => x.kind)).toEqual(['a', 'delta.c', 'b']);
  });

  it('finds what it found before (title, id, doc, category, equation), kinds of a tier in category order', () => {
    expect(shown('Eq. 3.18')).toEqual(['ebm.stdp_rule', 'stdp.simulate', 'stdp.spike_trace']);
    expect(shown('scellier & bengio 2016, eq. 10')).toEqual(['ebm.eqprop_rule']);
    expect(shown('zzz-no-such-kind')).toEqual([]);
  });

  it('with no query shows every kind, groups in category order and kinds in registry order', () => {
    const groups = paletteGroups(kinds, categories, ' ');
    expect(groups.map((g) => g.category)).toEqual(categories.filter((c) => kinds.some((k) => k.category === c)));
    for (const g of groups) expect(g.items).toEqual(kinds.filter((k) => k.category === g.category));
  });

  it('lists a search best first from the top, under category headers (a category heads a new section when the rank order returns to it)', () => {
    for (const q of ['train', 'mnist', 'parzen', 'sample', 'energy', 'eq', 'load', 'spike', 'rule']) {
      const groups = paletteGroups(kinds, categories, q);
      const ranks = groups.flatMap((g) => g.items.map((k) => matchRank(k, q.toLowerCase())!));
      expect(ranks, q).toEqual([...ranks].sort((x, y) => x - y));
      for (const g of groups) expect(g.items.every((k) => k.category === g.category)).toBe(true);
      for (let i = 1; i < groups.length; i++) expect(groups[i].category).not.toBe(groups[i - 1].category);
    }
  });
});
