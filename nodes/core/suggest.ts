/** "Did you mean …?" for a name the user typed: the nearest of the names there are, if it is near enough to be a typo. */
import { closest, distance } from 'fastest-levenshtein';

/**
 * The name of `names` nearest to `typed` (Levenshtein distance, case ignored), if it is at most a third of the
 * longer name's length away, rounded up ("epsilonn" → "epsilon", "stesp" → "steps"); undefined when none is that near.
 */
export function nearestName(typed: string, names: readonly string[]): string | undefined {
  if (!names.length) return undefined;
  const lower = names.map((n) => n.toLowerCase());
  const best = closest(typed.toLowerCase(), lower);
  const d = distance(typed.toLowerCase(), best);
  return d <= Math.ceil(Math.max(typed.length, best.length) / 3) ? names[lower.indexOf(best)] : undefined;
}

/**
 * The end of a "has no …" message: "did you mean epsilon?" when one of `names` is near enough to be a typo, else the
 * list ("its parameters are epsilon, steps"; "it has no parameters" when there are none). `plural` names what they are.
 */
export function didYouMean(typed: string, names: readonly string[], plural: string): string {
  const near = nearestName(typed, names);
  if (near) return `did you mean ${near}?`;
  return names.length ? `its ${plural} are ${names.join(', ')}` : `it has no ${plural}`;
}
