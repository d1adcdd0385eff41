/** A stretch of text, `from` inclusive, `to` exclusive. */
export interface Span {
  from: number;
  to: number;
}

/**
 * Fewer characters of a key than this tell nothing useful about it, and shorter runs would match
 * ordinary words; this many, copied from any place of the key, are a leak.
 */
export const MIN_KEY_RUN = 8;

/**
 * What OpenAI keys start with to say what they are (`sk-proj-`, `sk-svcacct-`, `sk-admin-`, `sk-`,
 * `sess-`): the same in every key, so not secret. A run made of these characters alone is not a
 * leak, so a plan or an instruction that mentions `sk-proj-` keeps it.
 */
const PUBLIC_PREFIX = /^(?:sk-(?:proj|svcacct|admin)-|sk-|sess-)/;

/**
 * Every stretch of `text` that is a run of MIN_KEY_RUN or more consecutive characters of `key`,
 * taken from anywhere in the key (a prefix quoted without a mask, a piece of the middle, the whole
 * key), except runs found in the key only inside its public prefix. Spans are sorted, and spans
 * that overlap or touch are merged into one. Empty when the key is shorter than MIN_KEY_RUN.
 *
 * One pass over the text with the key's suffix automaton (built once per key): linear in the
 * length of the text whatever the key and the text hold, a key repeated a million times included.
 */
export function keyRuns(text: string, key: string): Span[] {
  if (key.length < MIN_KEY_RUN || text.length < MIN_KEY_RUN) return [];
  const { alphabet, width, next, link, len, lastEnd, publicEnd } = automatonOf(key);
  const spans: Span[] = [];
  let current: Span | undefined;
  let state = 0;
  let length = 0; // of the longest piece of the key that ends at the character just read
  for (let at = 0; at < text.length; at++) {
    const symbol = alphabet[text.charCodeAt(at)] as number;
    if (symbol < 0) {
      state = 0;
      length = 0;
      continue;
    }
    while (state !== 0 && (next[state * width + symbol] as number) < 0) {
      state = link[state] as number;
      length = len[state] as number;
    }
    // The start state reads every character of the key, so this always moves.
    state = next[state * width + symbol] as number;
    length++;
    if (length < MIN_KEY_RUN) continue;
    // A piece met in the key only inside the public prefix: a shorter end of it may be met elsewhere.
    let found = state;
    let run = length;
    while ((lastEnd[found] as number) < publicEnd && run >= MIN_KEY_RUN) {
      found = link[found] as number;
      run = len[found] as number;
    }
    if (run < MIN_KEY_RUN) continue;
    const from = at - run + 1;
    if (current && from >= current.from && from <= current.to) {
      current.to = at + 1;
    } else {
      current = { from, to: at + 1 };
      spans.push(current);
    }
  }
  return mergeSpans(spans);
}

/** Sorted by start; spans that overlap or touch become one. */
export function mergeSpans(spans: readonly Span[]): Span[] {
  const sorted = [...spans].sort((a, b) => a.from - b.from || a.to - b.to);
  const merged: Span[] = [];
  for (const span of sorted) {
    const last = merged[merged.length - 1];
    if (last && span.from <= last.to) last.to = Math.max(last.to, span.to);
    else merged.push({ ...span });
  }
  return merged;
}

/**
 * The suffix automaton of a key: a state per set of pieces of the key that end at the same places;
 * reading text through it tracks the longest piece of the key that ends at each character.
 */
interface KeyAutomaton {
  key: string;
  /** Character code → its index among the key's distinct characters, or -1. */
  alphabet: Int16Array;
  /** Distinct characters of the key: the row width of `next`. */
  width: number;
  /** `next[state * width + symbol]`: the state after reading the symbol, or -1. */
  next: Int32Array;
  /** The state of the longest shorter ends of a state's pieces. */
  link: Int32Array;
  /** The length of a state's longest piece. */
  len: Int32Array;
  /** The last index of the key at which a state's pieces end. */
  lastEnd: Int32Array;
  /** Length of the key's public prefix. */
  publicEnd: number;
}

/** Output goes through redaction one write at a time: the automaton of the last key is kept. */
let cached: KeyAutomaton | undefined;

function automatonOf(key: string): KeyAutomaton {
  if (cached?.key === key) return cached;
  const alphabet = new Int16Array(0x10000).fill(-1);
  let width = 0;
  for (let at = 0; at < key.length; at++) {
    const code = key.charCodeAt(at);
    if (alphabet[code] === -1) alphabet[code] = width++;
  }
  const capacity = 2 * key.length + 1;
  const next = new Int32Array(capacity * width).fill(-1);
  const link = new Int32Array(capacity).fill(-1);
  const len = new Int32Array(capacity);
  const lastEnd = new Int32Array(capacity).fill(-1);
  let size = 1;
  let last = 0;
  for (let at = 0; at < key.length; at++) {
    const symbol = alphabet[key.charCodeAt(at)] as number;
    const cur = size++;
    len[cur] = (len[last] as number) + 1;
    lastEnd[cur] = at;
    let p = last;
    while (p !== -1 && (next[p * width + symbol] as number) < 0) {
      next[p * width + symbol] = cur;
      p = link[p] as number;
    }
    if (p === -1) {
      link[cur] = 0;
    } else {
      const q = next[p * width + symbol] as number;
      if ((len[p] as number) + 1 === len[q]) {
        link[cur] = q;
      } else {
        const clone = size++;
        len[clone] = (len[p] as number) + 1;
        next.copyWithin(clone * width, q * width, (q + 1) * width);
        link[clone] = link[q] as number;
        while (p !== -1 && next[p * width + symbol] === q) {
          next[p * width + symbol] = clone;
          p = link[p] as number;
        }
        link[q] = clone;
        link[cur] = clone;
      }
    }
    last = cur;
  }
  // A state's pieces also end wherever the pieces of the states that link to it end.
  const byLength = Array.from({ length: size - 1 }, (_, index) => index + 1).sort(
    (a, b) => (len[b] as number) - (len[a] as number),
  );
  for (const state of byLength) {
    const parent = link[state] as number;
    if (parent > 0) lastEnd[parent] = Math.max(lastEnd[parent] as number, lastEnd[state] as number);
  }
  const publicEnd = PUBLIC_PREFIX.exec(key)?.[0].length ?? 0;
  cached = { key, alphabet, width, next, link, len, lastEnd, publicEnd };
  return cached;
}
