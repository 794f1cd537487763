/**
 * The palette search's ranking: which node kinds a query finds, best first. A kind is found when the query is in its
 * title, kind id, keywords (other names of its method: "DTP", "difference target propagation"), doc, category or paper
 * equation (so "Eq. 3.18" or "Algorithm 2" finds the kinds that implement it); a match in the title ranks above one in
 * the id (a word of a keyword between a title word and a match inside the title), and all of them above one only in the
 * doc or the equation.
 */

/** What the search reads of a node kind. */
export interface SearchableKind {
  kind: string;
  title: string;
  doc: string;
  category: string;
  equation?: string;
  keywords?: readonly string[];
}

/** Match tiers, best first (lower is better). */
export const RANK = {
  /** The title starts with the query ("train" → "Train (free + nudged phases)"). */
  titlePrefix: 0,
  /** A word of the title starts with it ("train" → "Local training (EM)"). */
  titleWord: 1,
  /**
   * A word of one of its keywords starts with it ("dtp" or "target prop" → the Inference loop, whose targetprop update
   * is difference target propagation): above a match inside a title ("dtp" in "STDP-compatible rule") or an id.
   */
  keyword: 2,
  /** Elsewhere in the title. */
  title: 3,
  /** The kind id, or one of its parts, starts with it ("parzen" → eval.parzen). */
  idWord: 4,
  /** Elsewhere in the kind id. */
  id: 5,
  /** Only in the doc, the category, the paper equation or inside a word of a keyword. */
  other: 6,
} as const;

/** True when `q` starts a word of `text` (at its start, or after a character that is not a letter or digit). */
function startsWord(text: string, q: string): boolean {
  for (let i = text.indexOf(q); i >= 0; i = text.indexOf(q, i + 1)) {
    if (i === 0 || !/[\p{L}\p{N}]/u.test(text[i - 1])) return true;
  }
  return false;
}

/** How well `k` matches the query (already trimmed and lower-cased): a RANK tier, or null when it does not match. */
export function matchRank(k: SearchableKind, q: string): number | null {
  const title = k.title.toLowerCase();
  if (title.startsWith(q)) return RANK.titlePrefix;
  if (title.includes(q) && startsWord(title, q)) return RANK.titleWord;
  const keywords = (k.keywords ?? []).map((w) => w.toLowerCase());
  if (keywords.some((w) => startsWord(w, q))) return RANK.keyword;
  if (title.includes(q)) return RANK.title;
  const id = k.kind.toLowerCase();
  if (id.includes(q)) return startsWord(id, q) ? RANK.idWord : RANK.id;
  if ([k.doc, k.category, k.equation ?? '', ...keywords].some((t) => t.toLowerCase().includes(q))) return RANK.other;
  return null;
}

/**
 * The kinds the query finds, best first. Kinds of the same tier come in `categories` order (a kind of a category not
 * listed last), then in their order in `kinds`. An empty query finds every kind.
 */
export function rankKinds<K extends SearchableKind>(kinds: readonly K[], query: string, categories: readonly string[] = []): K[] {
  const q = query.trim().toLowerCase();
  const cat = (k: K): number => {
    const i = categories.indexOf(k.category);
    return i < 0 ? categories.length : i;
  };
  return kinds
    .map((k, i) => ({ k, i, c: cat(k), r: q ? matchRank(k, q) : RANK.titlePrefix }))
    .filter((x): x is { k: K; i: number; c: number; r: number } => x.r !== null)
    .sort((a, b) => a.r - b.r || a.c - b.c || a.i - b.i)
    .map((x) => x.k);
}

/**
 * The palette's list, as sections under category headers. With no query: one section per category, in `categories`
 * order. With a query: the kinds it finds in rank order (rankKinds), cut into a section at each change of category,
 * so the list reads best first from the top (the first item is the one Enter adds) and a category can head more than
 * one section (its title matches near the top, its doc matches further down).
 */
export function paletteGroups<K extends SearchableKind, C extends string>(
  kinds: readonly K[],
  categories: readonly C[],
  query: string,
): { category: C; items: K[] }[] {
  const out: { category: C; items: K[] }[] = [];
  for (const k of rankKinds(kinds, query, categories)) {
    const last = out.at(-1);
    if (last?.category === k.category) last.items.push(k);
    else if (categories.includes(k.category as C)) out.push({ category: k.category as C, items: [k] });
  }
  return out;
}
