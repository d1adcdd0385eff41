import { safeDecode } from '../util/safe-decode.js';
import { keyRuns, mergeSpans, type Span } from './key-runs.js';

/**
 * What output must never show: the configured API key and credentials written into URLs (the
 * base URL from --base-url or OPENAI_BASE_URL, or any URL a message quotes).
 */
export interface Secrets {
  /** The key in use (OPENAI_API_KEY). */
  apiKey?: string;
  /**
   * URLs whose password, query parameter values and fragment are secret wherever they appear,
   * inside a URL or not (a gateway may take its token as `?api-key=…`).
   */
  urls?: readonly (string | undefined)[];
  /**
   * Passwords known on their own (PGPASSWORD, the state URL's), those of 6 characters or more.
   * Taken out of messages only (not with `shapes: false`): no data the tool prints holds one,
   * and a short or common password would otherwise eat into plans and state documents.
   */
  passwords?: readonly (string | undefined)[];
}

const REDACTED = '[redacted]';

/**
 * `scheme://user:password@` and `scheme://token@`: everything between `//` and the `@` that ends
 * the authority is a credential. The authority ends at `/`, `?`, `#` or white space, so an `@` in a
 * path or a sentence is left alone.
 */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@'"<>`]+@/gi;

/**
 * The shapes OpenAI keys take (`sk-…`, `sk-proj-…`, `sk-svcacct-…`, `sess-…`), whole or masked by
 * a server that quotes them back (`sk-proj-abc*****wxyz`, `sk-ab…yz`). Dots belong to the token
 * only as a mask (two or more), so the full stop after a quoted key stays.
 */
const KEY_SHAPE = /\b(sk|sess)-(?:[A-Za-z0-9_*…-]|\.{2,}(?=[A-Za-z0-9_*…-])|\.{3,})+/g;

/** A run of mask characters, as servers write them between the ends of a key they quote back. */
const MASK = /\*{2,}|…|\.{3,}/g;

/** Passwords shorter than this are redacted only inside URLs: out of context they match words. */
const MIN_LOOSE_PASSWORD = 6;
/** A masked echo must keep at least this many characters of the key to count as one. */
const MIN_ECHOED = 4;

/**
 * Removes secrets from text bound for output (messages, hints, stacks, JSON, progress): the exact
 * key; a masked echo of it (some of its first and last characters around a run of `*`, `…` or
 * `...`, as servers quote keys in 401 messages); any run of MIN_KEY_RUN (8) or more consecutive
 * characters of the key, wherever in the key they come from (a prefix quoted with no mask; see
 * key-runs.ts, which also says why `sk-proj-` alone stays); anything shaped like an OpenAI key
 * (whole, or masked); the user name and password of any URL; and the passwords, query parameter
 * values and fragments of `secrets.urls` on their own (those of 6 characters or more).
 * With `shapes: false`, only the secrets this process knows (the key, its masked echoes and runs,
 * the URL secrets given) go: data written for machines (plans, ids, rendered requests) keeps a
 * user's `postgres://app@db` or a sample `sk-...` string as written.
 * Idempotent: what it writes in place of a secret is not one. Key shapes are only taken for keys when
 * they are long and mixed (20+ characters with upper and lower case letters and digits) or carry
 * a mask, so that names like `sk-learn-notes` survive.
 */
export function redactSecrets(
  text: string,
  secrets: Secrets | string | undefined = {},
  options: { shapes?: boolean } = {},
): string {
  const { apiKey, urls = [], passwords = [] } = typeof secrets === 'string' ? { apiKey: secrets } : secrets;
  let out = text;
  const loose = options.shapes === false ? [] : passwords;
  for (const literal of literalSecrets(apiKey, urls, loose)) out = out.split(literal).join(REDACTED);
  if (options.shapes !== false) {
    out = out.replace(URL_CREDENTIALS, `$1${REDACTED}@`);
    out = out.replace(KEY_SHAPE, (token, prefix: string) =>
      looksLikeKey(token.slice(prefix.length + 1)) ? `${prefix}-${REDACTED}` : token,
    );
  }
  // Masked echoes go before runs: a run would take the start of `my-proj-k*****xyz` and leave
  // `[redacted]*****xyz`, a mask with too little of the key around it to be recognised.
  if (apiKey && apiKey.length >= 8) out = cutSpans(out, maskedEchoes(out, apiKey));
  if (apiKey) out = cutSpans(out, keyRuns(out, apiKey));
  return out;
}

/** The key and URL secrets, longest first, so that one that contains another goes whole. */
function literalSecrets(
  apiKey: string | undefined,
  urls: readonly (string | undefined)[],
  passwords: readonly (string | undefined)[],
): string[] {
  const found = new Set<string>();
  if (apiKey && apiKey.length >= 4) found.add(apiKey);
  const loose = [...urls.flatMap((url) => urlSecrets(url)), ...passwords];
  for (const part of loose) if (part && part.length >= MIN_LOOSE_PASSWORD) found.add(part);
  return [...found].sort((a, b) => b.length - a.length);
}

/**
 * The password of a URL, the value of each of its query parameters (or the whole parameter when
 * it has no `=`, as in `?TOKEN`) and the same of its fragment, each as written and decoded; nothing
 * when the text is not a URL.
 */
function urlSecrets(url: string | undefined): string[] {
  if (!url) return [];
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [];
  }
  const written = [parsed.password];
  for (const part of [parsed.search, parsed.hash]) {
    for (const param of part.slice(1).split('&')) {
      const equals = param.indexOf('=');
      written.push(equals === -1 ? param : param.slice(equals + 1));
    }
  }
  const found = new Set<string>();
  for (const value of written) {
    if (!value) continue;
    found.add(value);
    found.add(safeDecode(value));
    // Forms and most query builders write a space as `+`.
    found.add(safeDecode(value.replace(/\+/g, ' ')));
  }
  return [...found];
}

/** A key body: masked, or long with upper and lower case letters and digits (random, not a name). */
export function looksLikeKey(body: string): boolean {
  if (/[*…]|\.{2,}/.test(body)) return true;
  return body.length >= 20 && /[A-Z]/.test(body) && /[a-z]/.test(body) && /[0-9]/.test(body);
}

/**
 * Each run of mask characters, with the longest start of the key just before it and the longest
 * end of the key just after it, is one echo when those keep MIN_ECHOED characters or more.
 */
function maskedEchoes(text: string, key: string): Span[] {
  const spans: Span[] = [];
  let places: Map<number, number[]> | undefined;
  for (const mask of text.matchAll(MASK)) {
    places ??= placesByCharacter(key);
    const start = mask.index;
    const end = start + mask[0].length;
    const before = longestKeyStartEndingAt(text, start, key, places);
    const after = longestKeyEndStartingAt(text, end, key, places);
    if (before + after >= MIN_ECHOED) spans.push({ from: start - before, to: end + after });
  }
  return spans;
}

/**
 * Where each character occurs in the key, last place first. A plan holds thousands of `…`
 * (shortened hashes): trying only the lengths that the character next to the mask allows keeps
 * each mask to a few comparisons instead of one per length of the key.
 */
function placesByCharacter(key: string): Map<number, number[]> {
  const places = new Map<number, number[]>();
  for (let at = key.length - 1; at >= 0; at--) {
    const code = key.charCodeAt(at);
    const list = places.get(code);
    if (list) list.push(at);
    else places.set(code, [at]);
  }
  return places;
}

/** A start of the key of `length` characters ends with key[length - 1]: the character before `end`. */
function longestKeyStartEndingAt(
  text: string,
  end: number,
  key: string,
  places: Map<number, number[]>,
): number {
  if (end === 0) return 0;
  for (const at of places.get(text.charCodeAt(end - 1)) ?? []) {
    const length = at + 1;
    if (length < key.length && length <= end && text.startsWith(key.slice(0, length), end - length)) {
      return length;
    }
  }
  return 0;
}

/** An end of the key of `length` characters starts with key[key.length - length]: the one at `start`. */
function longestKeyEndStartingAt(
  text: string,
  start: number,
  key: string,
  places: Map<number, number[]>,
): number {
  if (start >= text.length) return 0;
  const list = places.get(text.charCodeAt(start)) ?? [];
  // Longest first: the earliest place in the key; `places` lists the last place first.
  for (let index = list.length - 1; index >= 0; index--) {
    const length = key.length - (list[index] as number);
    if (length < key.length && start + length <= text.length && text.startsWith(key.slice(-length), start)) {
      return length;
    }
  }
  return 0;
}

/** `text` with each span replaced by one REDACTED; spans that overlap or touch become one. */
function cutSpans(text: string, spans: readonly Span[]): string {
  if (spans.length === 0) return text;
  let out = '';
  let at = 0;
  for (const span of mergeSpans(spans)) {
    out += text.slice(at, span.from) + REDACTED;
    at = span.to;
  }
  return out + text.slice(at);
}
