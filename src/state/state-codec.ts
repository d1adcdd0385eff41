import { AssistantsError, type Diagnostic, type ErrorCode, type SourceLocation } from '../errors/index.js';
import { compareCodeUnits } from '../model/order.js';
import { jsonSyntaxErrorOffset, jsonValueOffset, lineColumn } from './json-position.js';
import { describeSchemaError } from './schema-problems.js';
import {
  STATE_FORMAT_VERSION,
  type StateDocument,
  type StateFormatVersion,
  type StateResource,
} from './state-document.js';
import { validateState } from './state-validator.generated.js';

/**
 * Reading and writing the state document as text, with no I/O: parse and check what a backend
 * read, serialise what it is to write, and decide the serial of a write. Both backends share it, so
 * the in-memory fake accepts and refuses exactly what the file backend does.
 */

/** Where the state schema lives: `schema/` at the package root, two folders above this module. */
export const STATE_SCHEMA_URL = new URL('../../schema/state.schema.json', import.meta.url);

/** At most this many schema problems are reported for one file; the rest are counted. */
const MAX_PROBLEMS = 20;

/** How parse errors name the file, and what they advise. */
export interface ParseStateOptions {
  /** The file as shown in messages, e.g. `.assistants/state.json`. */
  file: string;
  /**
   * Advice when the file is corrupt; the backend knows whether a backup exists. It must never
   * suggest deleting the file: the state is the only record of what was made.
   */
  hint?: string;
}

/**
 * Parses and checks a state document. Throws STATE_CORRUPT (located, one diagnostic per problem)
 * when the text is not JSON or not a state document, and STATE_VERSION_UNSUPPORTED when a newer
 * assistants-iac wrote it. Reading never changes the file: callers only read.
 */
export function parseState(text: string, options: ParseStateOptions): StateDocument {
  // Editors on Windows may add a byte-order mark, which JSON.parse refuses; it carries no content.
  // A space in its place keeps every offset, so locations match the file.
  const body = text.charCodeAt(0) === 0xfeff ? ` ${text.slice(1)}` : text;
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (err) {
    const reported = /at position (\d+)/.exec((err as Error).message);
    const offset = reported ? Number(reported[1]) : (jsonSyntaxErrorOffset(body) ?? body.length);
    const detail = syntaxDetail((err as Error).message, body, offset);
    const message = `${options.file} is not valid JSON: ${detail}`;
    const hint = options.hint ?? DEFAULT_CORRUPT_HINT;
    const found = diagnostic('STATE_CORRUPT', message, body, offset, options.file, hint);
    throw new AssistantsError('STATE_CORRUPT', message, {
      hint,
      location: found.location,
      diagnostics: [found],
    });
  }
  checkVersion(value, body, options);
  return checkShape(value, body, options);
}

/**
 * JSON.parse's message without its position (the location says it). Where it gives no position it
 * echoes the text instead, which may be long and hold line breaks: the word at the offset is named.
 */
function syntaxDetail(message: string, text: string, offset: number): string {
  if (text.trim() === '') return 'the file is empty';
  if (offset >= text.length) return 'the text ends too early';
  if (!/ at position \d+/.test(message)) {
    const word = /[^\s{}[\],:"]+/y;
    word.lastIndex = offset;
    return `unexpected ${JSON.stringify(word.exec(text)?.[0] ?? text.charAt(offset))}`;
  }
  const plain = message.replace(/ in JSON at position \d+.*$/s, '');
  return plain.charAt(0).toLowerCase() + plain.slice(1);
}

function checkVersion(value: unknown, text: string, options: ParseStateOptions): void {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return;
  const version = (value as Record<string, unknown>).format_version;
  if (typeof version !== 'number' || version <= STATE_FORMAT_VERSION) return;
  const at = jsonValueOffset(text, ['format_version']) ?? 0;
  const message = `${options.file} has state format_version ${version}; this assistants-iac reads format_version ${STATE_FORMAT_VERSION} and older`;
  const hint =
    'a newer assistants-iac wrote it: upgrade to that version to use this state (the file was left as it is)';
  throw new AssistantsError('STATE_VERSION_UNSUPPORTED', message, {
    hint,
    location: locate(text, at, options.file),
    diagnostics: [diagnostic('STATE_VERSION_UNSUPPORTED', message, text, at, options.file, hint)],
  });
}

function checkShape(value: unknown, text: string, options: ParseStateOptions): StateDocument {
  // Compiled when the package is built (schema/compile-validators.mjs): nothing is compiled here.
  const validate = validateState;
  if (validate(value)) return value as StateDocument;
  const hint = options.hint ?? DEFAULT_CORRUPT_HINT;
  const all = (validate.errors ?? [])
    // `if` failures only say which branch was taken; the branch's own errors follow them.
    .filter((error) => error.keyword !== 'if')
    .map((error) => {
      const { path, at, message } = describeSchemaError(error, value);
      const offset = jsonValueOffset(text, path, at) ?? 0;
      return diagnostic('STATE_CORRUPT', message, text, offset, options.file);
    });
  const unique = all
    .filter(
      (d, i) => all.findIndex((o) => o.message === d.message && o.location?.line === d.location?.line) === i,
    )
    // Top to bottom, as a reader fixing the file goes.
    .sort(
      (a, b) =>
        (a.location?.line ?? 0) - (b.location?.line ?? 0) ||
        (a.location?.column ?? 0) - (b.location?.column ?? 0),
    );
  const shown = unique.slice(0, MAX_PROBLEMS);
  const others = unique.length - 1;
  const summary = `${options.file} is not a valid state document: ${shown[0]?.message ?? 'it does not match the schema'}${others > 0 ? ` (and ${others} more problem${others === 1 ? '' : 's'})` : ''}`;
  if (unique.length > shown.length) {
    const more = unique.length - shown.length;
    shown.push({ severity: 'error', code: 'STATE_CORRUPT', message: `... and ${more} more problems` });
  }
  // The advice once, after the last problem, rather than under each of them.
  const last = shown.at(-1);
  if (last) last.hint = hint;
  throw new AssistantsError('STATE_CORRUPT', summary, {
    hint,
    location: shown[0]?.location,
    diagnostics: shown,
  });
}

const DEFAULT_CORRUPT_HINT =
  'fix the file by hand; keep it: it is the only record of the resources assistants-iac made';

function locate(text: string, offset: number, file: string): SourceLocation {
  return { file, ...lineColumn(text, offset) };
}

/** A located diagnostic with the line it points at, so the renderer can show it with a caret. */
function diagnostic(
  code: ErrorCode,
  message: string,
  text: string,
  offset: number,
  file: string,
  hint?: string,
): Diagnostic {
  const location = locate(text, offset, file);
  const excerpt = text.split('\n')[location.line - 1]?.replace(/\r$/, '');
  return {
    severity: 'error',
    code,
    message,
    location,
    ...(excerpt !== undefined ? { excerpt } : {}),
    ...(hint !== undefined ? { hint } : {}),
  };
}

/** A resource with its fields in a fixed order: the short ones first, the attributes last. */
function ordered(resource: StateResource): StateResource {
  const { kind, id, protect, dependencies, failed, created_at, attributes } = resource;
  return {
    kind,
    id,
    protect,
    dependencies,
    ...(created_at === undefined ? {} : { created_at }),
    ...(failed ? { failed } : {}),
    attributes,
  } as StateResource;
}

/**
 * The text of a state document: resources sorted by address, fields in a fixed order, 2-space
 * indent, a trailing newline. Throws (an internal STATE_WRITE_FAILED) rather than produce text that
 * parseState would refuse: a value JSON cannot hold (an UNKNOWN id, say) must never reach the file.
 */
export function serializeState(doc: StateDocument, file = 'the state'): string {
  const text = stateText(doc);
  checkedParse(text, file);
  return text;
}

/** `text` read back with every check of a read; a failure is an internal STATE_WRITE_FAILED. */
function checkedParse(text: string, file: string): StateDocument {
  try {
    return parseState(text, { file });
  } catch (err) {
    if (!(err instanceof AssistantsError)) throw err;
    throw new AssistantsError('STATE_WRITE_FAILED', `refusing to write ${file}: ${err.message}`, {
      kind: 'internal',
      cause: err,
    });
  }
}

/** The text of a document, unchecked. */
function stateText(doc: StateDocument): string {
  const resources: Record<string, StateResource> = {};
  for (const address of Object.keys(doc.resources).sort(compareCodeUnits)) {
    const resource = doc.resources[address];
    if (resource) resources[address] = ordered(resource);
  }
  const { lineage, serial, stack, pending, forgotten } = doc;
  const format_version = formatFor(doc);
  const body = { format_version, lineage, serial, stack, resources, pending };
  // Written only when it holds something, so that states without it read as before.
  const text = JSON.stringify(forgotten?.length ? { ...body, forgotten } : body, null, 2);
  return `${text}\n`;
}

/**
 * The oldest format that holds `doc`: 4 once it has a skill (or a skill's journal entry, or a
 * skill it let go of), 3 once it has an agent, 2 once it has `forgotten`, `failed` or
 * `created_at`, else 1.
 */
export function formatFor(doc: StateDocument): StateFormatVersion {
  const resources = Object.values(doc.resources);
  if (
    resources.some((r) => r.kind === 'skill') ||
    doc.pending.some((op) => op.kind === 'skill') ||
    doc.forgotten?.some((f) => f.kind === 'skill')
  )
    return 4;
  if (resources.some((r) => r.kind === 'agent')) return 3;
  if (doc.forgotten?.length) return 2;
  return resources.some((r) => r.failed || r.created_at !== undefined) ? 2 : 1;
}

/**
 * What a document holds, as text: its text with serial 0. Two documents hold the same content
 * when their content texts are equal (top-level and resource key order, and undefined fields, do
 * not count). Reads `doc` at once: the caller may change it as soon as this returns.
 */
export function contentText(doc: StateDocument): string {
  return stateText({ ...doc, serial: 0 });
}

/** What a write needs to know of the stored version: its lineage, serial and content text. */
export interface StoredVersion {
  lineage: string;
  serial: number;
  content: string;
}

export function storedVersion(doc: StateDocument): StoredVersion {
  return { lineage: doc.lineage, serial: doc.serial, content: contentText(doc) };
}

/**
 * What a write stores, by the serial rule: nothing when the content equals what is stored;
 * otherwise `doc` with serial one above the stored one (1 for the first write), as text and as
 * a document (checked as a read checks it; it shares `doc`'s objects). Writers never set serial
 * themselves: whatever `doc.serial` holds is ignored. A document of another lineage than the
 * stored one is refused: it would overwrite another stack's history, which happens only when the
 * file was replaced during a run. `write`: the document, or what prepareWrite read of it.
 */
export function planWrite(
  stored: StoredVersion | undefined,
  write: StateDocument | PreparedWrite,
  file: string,
): { changed: false } | { changed: true; doc: StateDocument; text: string } {
  const { doc, content, valid } = 'content' in write ? write : prepareWrite(write);
  if (stored && stored.lineage !== doc.lineage) {
    throw new AssistantsError(
      'STATE_WRITE_FAILED',
      `${file} now has lineage ${stored.lineage}, but this run started from lineage ${doc.lineage}; not overwriting it`,
      {
        hint: 'the state file was replaced while this run was going; check which one is right before running again',
      },
    );
  }
  // Compared as text, the way it is stored: one serialisation per write, not a deep comparison.
  if (stored && content === stored.content) return { changed: false };
  return { changed: true, ...withSerial({ doc, content, valid }, (stored?.serial ?? 0) + 1, file) };
}

/**
 * A prepared document with serial `serial`, as text and as a document (checked as a read checks
 * it). For a write (planWrite) and for a compaction, which keeps the serial the journal reached.
 */
export function withSerial(
  prepared: PreparedWrite,
  serial: number,
  file: string,
): { doc: StateDocument; text: string } {
  // The content text has `"serial": 0,` as its third key; JSON escapes quotes inside strings, so
  // the first occurrence is that key.
  const text = prepared.content.replace('"serial": 0,', `"serial": ${serial},`);
  // What JSON would drop (an UNKNOWN id) failed the schema: the text read back gives the message.
  if (!prepared.valid) return { doc: checkedParse(text, file), text };
  return { doc: { ...prepared.doc, serial }, text };
}

/** A document as a write takes it, all read at once (see prepareWrite). */
export interface PreparedWrite {
  /** A shallow copy: the objects under it are the caller's. */
  doc: StateDocument;
  content: string;
  /** Whether it passed the schema (checked on the document, not on a parse of its text). */
  valid: boolean;
}

/**
 * Everything a write needs from `doc`, read now: the caller may change the document as soon as
 * this returns, while the write goes on (see StateStore.write).
 */
export function prepareWrite(doc: StateDocument): PreparedWrite {
  return {
    doc: { ...doc },
    content: contentText(doc),
    valid: validateState({ ...doc, serial: Math.max(1, doc.serial) }),
  };
}
