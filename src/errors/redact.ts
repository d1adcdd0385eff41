/**
 * What output must never show: the configured API key and credentials written into URLs (the
 * base URL from --base-url or OPENAI_BASE_URL, or any URL a message quotes).
 */
export interface Secrets {
  /** The key in use (OPENAI_API_KEY). */
  apiKey?: string;
  /** URLs whose user name and password are secret wherever they appear, inside a URL or not. */
  urls?: readonly (string | undefined)[];
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
 * `...`, as servers quote keys in 401 messages); anything shaped like an OpenAI key (whole, or
 * masked); the user name and password of any URL; and the passwords of `secrets.urls` on their own.
 * With `shapes: false`, only the secrets this process knows (the key, its masked echoes, the URL
 * passwords given) go: data written for machines (plans, ids, rendered requests) keeps a user's
 * `postgres://app@db` or a sample `sk-...` string as written.
 * Idempotent: what it writes in place of a secret is not one. Key shapes are only taken for keys when
 * they are long and mixed (20+ characters with upper and lower case letters and digits) or carry
 * a mask, so that names like `sk-learn-notes` survive.
 */
export function redactSecrets(
  text: string,
  secrets: Secrets | string | undefined = {},
  options: { shapes?: boolean } = {},
): string {
  const { apiKey, urls = [] } = typeof secrets === 'string' ? { apiKey: secrets } : secrets;
  let out = text;
  for (const literal of literalSecrets(apiKey, urls)) out = out.split(literal).join(REDACTED);
  if (options.shapes !== false) {
    out = out.replace(URL_CREDENTIALS, `$1${REDACTED}@`);
    out = out.replace(KEY_SHAPE, (token, prefix: string) =>
      looksLikeKey(token.slice(prefix.length + 1)) ? `${prefix}-${REDACTED}` : token,
    );
  }
  if (apiKey && apiKey.length >= 8) out = redactMaskedEchoes(out, apiKey);
  return out;
}

/** The key and URL passwords, longest first, so that one that contains another goes whole. */
function literalSecrets(apiKey: string | undefined, urls: readonly (string | undefined)[]): string[] {
  const found = new Set<string>();
  if (apiKey && apiKey.length >= 4) found.add(apiKey);
  for (const url of urls) {
    for (const part of urlCredentials(url)) if (part.length >= MIN_LOOSE_PASSWORD) found.add(part);
  }
  return [...found].sort((a, b) => b.length - a.length);
}

/** The password of a URL as written and decoded; nothing when it has none or is not a URL. */
function urlCredentials(url: string | undefined): string[] {
  if (!url) return [];
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [];
  }
  if (!parsed.password) return [];
  const decoded = safeDecode(parsed.password);
  return decoded === parsed.password ? [parsed.password] : [parsed.password, decoded];
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** A key body: masked, or long with upper and lower case letters and digits (random, not a name). */
function looksLikeKey(body: string): boolean {
  if (/[*…]|\.{2,}/.test(body)) return true;
  return body.length >= 20 && /[A-Z]/.test(body) && /[a-z]/.test(body) && /[0-9]/.test(body);
}

/**
 * Each run of mask characters, with the longest start of the key just before it and the longest
 * end of the key just after it, is one echo when those keep MIN_ECHOED characters or more.
 */
function redactMaskedEchoes(text: string, key: string): string {
  const cuts: { from: number; to: number }[] = [];
  for (const mask of text.matchAll(MASK)) {
    const start = mask.index;
    const end = start + mask[0].length;
    const before = longestKeyStartEndingAt(text, start, key);
    const after = longestKeyEndStartingAt(text, end, key);
    if (before + after >= MIN_ECHOED) cuts.push({ from: start - before, to: end + after });
  }
  if (cuts.length === 0) return text;
  let out = '';
  let at = 0;
  for (const cut of cuts) {
    if (cut.from < at) continue;
    out += text.slice(at, cut.from) + REDACTED;
    at = cut.to;
  }
  return out + text.slice(at);
}

function longestKeyStartEndingAt(text: string, end: number, key: string): number {
  for (let length = Math.min(end, key.length - 1); length > 0; length--) {
    if (text.startsWith(key.slice(0, length), end - length)) return length;
  }
  return 0;
}

function longestKeyEndStartingAt(text: string, start: number, key: string): number {
  for (let length = Math.min(text.length - start, key.length - 1); length > 0; length--) {
    if (text.startsWith(key.slice(key.length - length), start)) return length;
  }
  return 0;
}
