import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { AssistantsError } from '../errors/index.js';
import { readRegularText } from '../manifest/read-text.js';
import { pointerPath } from '../model/json-pointer.js';
import type { SavedPlan } from '../plan/saved-plan.js';
import type { PlanJson } from '../render/plan-json.js';
import { jsonSyntaxErrorOffset, jsonValueOffset, lineColumn } from '../state/json-position.js';
import { writeAtomically } from '../state/write-atomically.js';
import { validatePlanDocument } from './plan-validator.generated.js';

/**
 * Writes a saved plan (`plan -o FILE`): the JSON plan, which records the lineage, serial and
 * manifest digest that `apply FILE` checks before it acts. Written whole or not at all.
 */
export async function writePlanFile(file: string, json: string): Promise<void> {
  try {
    await mkdir(path.dirname(file), { recursive: true });
    await writeAtomically(file, json, { mode: 0o600 });
  } catch (err) {
    throw new AssistantsError(
      'PLAN_FILE_UNWRITABLE',
      `cannot write the plan to ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
      { cause: err },
    );
  }
}

/** The largest saved plan read: a plan of 100,000 resources is far below it. */
const MAX_PLAN_BYTES = 256 * 1024 * 1024;

/**
 * Reads a saved plan. Anything that is not one of ours is PLAN_FILE_INVALID, located where the
 * file goes wrong (line and column); a path that is not a regular file is refused before it is
 * opened (a FIFO would block the read forever).
 */
export async function readPlanFile(file: string, shown = file): Promise<SavedPlan> {
  const text = await readPlanText(file, shown);
  const parsed = parsePlanText(text, shown);
  const root = asObject(parsed);
  if (!root) throw invalid(shown, text, [], 'it is not a plan saved by `assistants plan -o`');
  const need = (key: string, type: 'string' | 'number', check?: (v: unknown) => boolean) => {
    const value = root[key];
    if (typeof value !== type || (check && !check(value)))
      throw invalid(
        shown,
        text,
        value === undefined ? [] : [key],
        `"${key}" is missing or not a ${type === 'number' ? 'whole number' : type}`,
      );
    return value;
  };
  const lineage = need('lineage', 'string') as string;
  const serial = need('serial', 'number', (v) => Number.isInteger(v) && (v as number) >= 0) as number;
  const manifestDigest = need('manifest_digest', 'string') as string;
  // `gc -o` saves what gc would delete, made from the state and the API alone (no manifests, so
  // no digest): a record for review, not a plan apply can carry out.
  if (manifestDigest === '')
    throw invalid(
      shown,
      text,
      ['manifest_digest'],
      'it was saved by `assistants gc -o`; run `assistants gc` to collect',
    );
  const changes = root.resource_changes;
  if (!Array.isArray(changes))
    throw invalid(
      shown,
      text,
      changes === undefined ? [] : ['resource_changes'],
      '"resource_changes" is missing or not a list',
    );
  const actions = new Map<string, string>();
  const replace: string[] = [];
  const fileCreates: SavedPlan['fileCreates'] = [];
  for (const [index, raw] of changes.entries()) {
    const at = ['resource_changes', String(index)];
    const entry = asObject(raw);
    const change = asObject(entry?.change);
    const list = change?.actions;
    if (
      !entry ||
      typeof entry.address !== 'string' ||
      !change ||
      !Array.isArray(list) ||
      list.length === 0 ||
      !list.every((a) => typeof a === 'string')
    )
      throw invalid(
        shown,
        text,
        at,
        `resource_changes[${index}] is not a change (an object with an address and a list of actions)`,
      );
    const joined = list.join(',');
    if (joined !== 'no-op') actions.set(entry.address, joined);
    if (entry.action_reason === 'replace_by_request') replace.push(entry.address);
    const after = asObject(change.after);
    if (entry.kind === 'file' && list.includes('create') && after) {
      if (typeof after.filename === 'string' && typeof after.bytes === 'number')
        fileCreates.push({ filename: after.filename, bytes: after.bytes });
    }
  }
  const drift = new Map<string, string>();
  for (const raw of Array.isArray(root.resource_drift) ? root.resource_drift : []) {
    const entry = asObject(raw);
    const list = asObject(entry?.change)?.actions;
    if (typeof entry?.address === 'string' && Array.isArray(list)) drift.set(entry.address, list.join(','));
  }
  const targets = root.targets;
  if (targets !== undefined && (!Array.isArray(targets) || !targets.every((t) => typeof t === 'string')))
    throw invalid(shown, text, ['targets'], '"targets" is not a list of addresses');
  const savedAt = typeof root.timestamp === 'string' ? Date.parse(root.timestamp) / 1000 : Number.NaN;
  const workspace = typeof root.workspace === 'string' ? { workspace: root.workspace } : {};
  const run = asObject(root.run);
  const manifests = run?.manifests;
  const madeWith =
    run &&
    typeof run.state === 'string' &&
    Array.isArray(manifests) &&
    manifests.every((m) => typeof m === 'string')
      ? { run: { manifests: manifests as string[], state: run.state } }
      : {};
  return {
    lineage,
    serial,
    ...workspace,
    ...madeWith,
    manifest_digest: manifestDigest,
    actions,
    targets: (targets as string[] | undefined) ?? [],
    replace,
    refreshOnly: root.refresh_only === true,
    drift,
    fileCreates,
    ...(Number.isFinite(savedAt) ? { savedAt: Math.floor(savedAt) } : {}),
  };
}

/**
 * A saved plan read whole, for `assistants show`: it must be JSON that follows
 * schema/plan.schema.json, else PLAN_FILE_INVALID located at the first value that does not.
 */
export async function readPlanDocument(file: string, shown = file): Promise<PlanJson> {
  const text = await readPlanText(file, shown);
  const parsed = parsePlanText(text, shown);
  if (validatePlanDocument(parsed)) return parsed as PlanJson;
  const [first] = validatePlanDocument.errors ?? [];
  const at = pointerPath(first?.instancePath ?? '');
  const what = first?.instancePath ? first.instancePath : 'the document';
  throw invalid(shown, text, at, `${what} ${first?.message ?? 'does not follow the plan schema'}`);
}

/** The saved plan's JSON, or PLAN_FILE_INVALID located where the syntax goes wrong. */
function parsePlanText(text: string, shown: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw invalid(shown, text, [], 'it is not JSON', jsonSyntaxErrorOffset(text) ?? 0);
  }
}

/** The text of a saved plan: a regular file of sensible size, or PLAN_FILE_INVALID. */
async function readPlanText(file: string, shown: string): Promise<string> {
  const refuse = (reason: string) =>
    new AssistantsError('PLAN_FILE_INVALID', `cannot read the saved plan ${shown}: ${reason}`, {
      location: { file: shown, line: 1, column: 1 },
    });
  const read = await readRegularText(file, MAX_PLAN_BYTES, { followLinks: true });
  if ('text' in read) return read.text;
  if (read.kind === 'not-regular') throw refuse(read.folder ? 'it is a folder' : 'it is not a regular file');
  if (read.kind === 'too-large') throw refuse(`it is ${read.bytes} bytes, more than a saved plan can be`);
  throw refuse(read.code === 'ENOENT' ? 'there is no such file' : read.code);
}

function asObject(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** PLAN_FILE_INVALID at `path` (or at `offset`) in the file, with the line it points at. */
function invalid(
  shown: string,
  text: string,
  path: string[],
  reason: string,
  offset?: number,
): AssistantsError {
  const at = offset ?? jsonValueOffset(text, path) ?? 0;
  const location = { file: shown, ...lineColumn(text, at) };
  const message = `${shown} is not a usable saved plan: ${reason}`;
  const hint = 'make the plan again with `assistants plan -o FILE`; saved plans are not meant to be edited';
  const excerpt = text.split('\n')[location.line - 1]?.replace(/\r$/, '');
  return new AssistantsError('PLAN_FILE_INVALID', message, {
    location,
    hint,
    diagnostics: [
      {
        severity: 'error',
        code: 'PLAN_FILE_INVALID',
        message,
        location,
        hint,
        ...(excerpt !== undefined && excerpt.length <= 500 ? { excerpt } : {}),
      },
    ],
  });
}
