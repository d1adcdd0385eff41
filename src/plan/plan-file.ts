import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { AssistantsError } from '../errors/index.js';

/**
 * Writes a saved plan (`plan -o FILE`): the JSON plan, which records the lineage, serial and
 * manifest digest that `apply FILE` checks before it acts. Written whole or not at all.
 */
export async function writePlanFile(file: string, json: string): Promise<void> {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${randomUUID()}.tmp`);
  try {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(temp, json, { mode: 0o600 });
    await rename(temp, file);
  } catch (err) {
    await rm(temp, { force: true });
    throw new AssistantsError(
      'PLAN_FILE_UNWRITABLE',
      `cannot write the plan to ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
      { cause: err },
    );
  }
}

/** What apply checks of a saved plan before it acts. */
export interface SavedPlan {
  lineage: string;
  serial: number;
  manifest_digest: string;
  /** Address → the JSON actions, e.g. `delete,create`; no-ops left out. */
  actions: Map<string, string>;
  /** The --target addresses it was made with (empty: the whole stack). */
  targets: string[];
}

/** Reads a saved plan; anything that is not one of ours is PLAN_FILE_INVALID. */
export async function readPlanFile(file: string): Promise<SavedPlan> {
  let parsed: {
    lineage?: unknown;
    serial?: unknown;
    manifest_digest?: unknown;
    resource_changes?: { address?: unknown; change?: { actions?: unknown } }[];
    targets?: unknown;
  };
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    const reason =
      err instanceof SyntaxError ? 'it is not JSON' : ((err as NodeJS.ErrnoException).code ?? String(err));
    throw new AssistantsError('PLAN_FILE_INVALID', `cannot read the saved plan ${file}: ${reason}`, {
      cause: err,
    });
  }
  const changes = parsed.resource_changes;
  if (
    typeof parsed.lineage !== 'string' ||
    typeof parsed.serial !== 'number' ||
    typeof parsed.manifest_digest !== 'string' ||
    !Array.isArray(changes)
  ) {
    throw new AssistantsError('PLAN_FILE_INVALID', `${file} is not a plan saved by \`assistants plan -o\``);
  }
  const actions = new Map<string, string>();
  for (const entry of changes) {
    const list = entry.change?.actions;
    if (typeof entry.address !== 'string' || !Array.isArray(list)) continue;
    if (list.join(',') !== 'no-op') actions.set(entry.address, list.join(','));
  }
  const targets = Array.isArray(parsed.targets)
    ? parsed.targets.filter((t): t is string => typeof t === 'string')
    : [];
  return {
    lineage: parsed.lineage,
    serial: parsed.serial,
    manifest_digest: parsed.manifest_digest,
    actions,
    targets,
  };
}
