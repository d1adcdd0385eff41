import { closest, distance } from 'fastest-levenshtein';

/**
 * The candidate closest to `input`, when it is close enough to be a likely typo: at most a third of
 * the longer word's letters differ (and at least one may). Case is ignored when comparing.
 */
export function didYouMean(input: string, candidates: Iterable<string>): string | undefined {
  const list = [...candidates].filter((c) => c !== input);
  if (list.length === 0 || input.length === 0) return undefined;
  const lower = input.toLowerCase();
  const best = closest(
    lower,
    list.map((c) => c.toLowerCase()),
  );
  const index = list.findIndex((c) => c.toLowerCase() === best);
  const candidate = list[index];
  if (candidate === undefined) return undefined;
  const allowed = Math.max(1, Math.floor(Math.max(lower.length, best.length) / 3));
  return distance(lower, best) <= allowed ? candidate : undefined;
}

/** `; did you mean "x"?` or '' — appended to messages. */
export function didYouMeanSuffix(input: string, candidates: Iterable<string>): string {
  const match = didYouMean(input, candidates);
  return match === undefined ? '' : `; did you mean "${match}"?`;
}
