import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { AssistantsError } from '../errors/index.js';
import { downloadsFor } from '../plan/generate-downloads.js';
import { chooseSkills, type PlannedSkill } from '../plan/generate-skills.js';
import { adoptableStores, type GeneratedStack, generateStack } from '../plan/generate-stack.js';
import { NO_OTHER_STATES, type OtherStates } from '../plan/skill-claims.js';
import { type ApiWriter, updateMetadata } from '../provider/api-writer.js';
import { downloadFiles } from '../provider/download-files.js';
import { downloadSkills, type SkillDownload } from '../provider/download-skills.js';
import type { ApiReader } from '../provider/live-view.js';
import { readAccount, readMembers } from '../provider/refresh.js';
import { renderManifestYaml } from '../render/manifest-yaml.js';
import { serializeState } from '../state/state-codec.js';
import { emptyState } from '../state/state-document.js';
import { type StateStore, withStateLock } from '../state/state-store.js';
import { mapLimit } from '../util/concurrency.js';
import { counted } from '../util/words.js';
import { loadDesired } from './prepare-plan.js';

/** The one file generate writes into DIR. */
export const GENERATED_MANIFEST = 'assistants.yaml';

type StampWriter = Pick<ApiWriter, 'updateVectorStoreMetadata' | 'updateAssistantMetadata'>;

export interface GeneratePorts {
  store: StateStore;
  /** The states of the stack's other workspaces: a skill one of them holds is not adopted. */
  otherStates: () => Promise<OtherStates>;
  /** Made once the target folder is known to be free, so that its error comes before a missing key's. */
  api: () => { reader: ApiReader; writer: StampWriter };
  /** Today as YYYY-MM-DD, for the manifest's header. */
  today: () => string;
}

export interface GenerateRequest {
  /** The folder to write into, absolute, and as the user gave it (for messages). */
  target: string;
  dir: string;
  stack: string;
  /** Asked for when the lock is taken: a folder that holds manifests, or a missing key, is reported first. */
  lockTimeoutMs: () => number;
  /** --skill-prefix: only skills whose name starts with it are adopted; without it, none (see chooseSkills). */
  skillPrefix?: string;
}

export interface GenerateResult {
  generated: GeneratedStack;
  /** The manifest written (absolute). */
  file: string;
  /** Adopted resources whose stamp could not be written (the next apply writes it). */
  failed: { id: string; reason: string }[];
}

/**
 * `assistants import --generate DIR`: adopt what the account holds into a new stack. Reads every
 * store (with its files), assistant and skill; downloads the files whose content the API hands
 * back, and each adopted skill's default version into DIR/skills/KEY/ (see chooseSkills: only
 * with a skill prefix, and the other workspaces' states are read only then);
 * writes DIR/assistants.yaml and a state that plans clean; then stamps each adopted store and
 * assistant (its metadata gains the two ownership keys; the only write to the API). Everything is
 * staged and validated before it is moved into DIR; the state is written before the stamps, so
 * an interrupted run leaves stamps its own state explains.
 */
export async function generateWorkflow(
  ports: GeneratePorts,
  request: GenerateRequest,
): Promise<GenerateResult> {
  const { store } = ports;
  const { target, dir, stack } = request;
  const existing = await manifestsIn(target);
  if (existing.length > 0)
    throw new AssistantsError(
      'GENERATE_TARGET_NOT_EMPTY',
      `${dir} already holds manifests (${existing.slice(0, 3).join(', ')}${existing.length > 3 ? ', ...' : ''})`,
      {
        hint: 'generate into a new or empty folder; to adopt single resources into these manifests, use `assistants import ADDRESS ID`',
      },
    );
  const { reader, writer } = ports.api();
  return withStateLock(store, 'import', { timeoutMs: request.lockTimeoutMs() }, async () => {
    const state = await store.read();
    const held = Object.keys(state?.resources ?? {}).length;
    // Unsettled journal entries count too: they are how an interrupted apply finds what it made.
    if (state && (held > 0 || state.pending.length > 0))
      throw new AssistantsError(
        'STATE_NOT_EMPTY',
        `the state at ${store.location} already holds ${counted(held, 'resource')} and ${counted(state.pending.length, 'unsettled call')} of stack "${state.stack}"`,
        {
          hint: 'generate starts a new stack: pass --state with a new path, or adopt single resources with `assistants import ADDRESS ID`',
        },
      );
    const lineage = state?.lineage ?? randomUUID();
    // Skills are listed even without --skill-prefix: each is then shown as skipped, with how to ask.
    const account = await readAccount(reader, { skills: true });
    const members = await readMembers(
      reader,
      adoptableStores(account.vectorStores, lineage),
      account.vectorStores,
    );
    const snapshot = { ...account, members };
    // Read after the account, as gc does: a skill another workspace's apply made is in its state
    // or journal by now.
    const { skillPrefix } = request;
    const others = skillPrefix !== undefined ? await ports.otherStates() : NO_OTHER_STATES;
    const choice = chooseSkills(account.skills, others, skillPrefix);
    // Everything is made in a hidden folder beside DIR and moved in only once it validates.
    await mkdir(path.dirname(target), { recursive: true });
    const stage = await mkdtemp(path.join(path.dirname(target), `.${path.basename(target)}.generate-`));
    let generated: GeneratedStack;
    try {
      const requests = downloadsFor(snapshot, lineage);
      const fetched = await downloadFiles(reader, requests, stage);
      // A file that could not be fetched is listed by id instead.
      const downloaded = new Map(
        requests.flatMap((r) => {
          const got = fetched.get(r.id);
          return got ? [[r.id, { relativePath: r.relativePath, ...got }] as const] : [];
        }),
      );
      const writes = await downloadSkills(reader, choice.planned.map(skillDownload), stage);
      generated = generateStack(snapshot, { stack, lineage, downloaded, skills: { choice, writes } });
      await writeFile(path.join(stage, GENERATED_MANIFEST), renderManifestYaml(generated, ports.today()));
      await checkValid(stage, dir);
      const doc = { ...emptyState(lineage, stack), resources: generated.resources };
      // The state is checked before anything moves, and written before the stamps; a failed
      // write takes the moved manifest back out, so DIR never holds manifests without a state.
      serializeState(doc, store.location);
      const moved = await moveInto(stage, target, dir);
      try {
        await store.write(doc);
      } catch (err) {
        for (const entry of moved) await rm(entry, { recursive: true, force: true });
        throw err;
      }
    } finally {
      await rm(stage, { recursive: true, force: true });
    }
    const failed = await writeStamps(writer, generated);
    return { generated, file: path.join(target, GENERATED_MANIFEST), failed };
  });
}

/** Where a chosen skill's default version is written. */
function skillDownload({ skill, relativeFolder }: PlannedSkill): SkillDownload {
  return { id: skill.id, version: String(skill.attributes.default_version), relativeFolder };
}

/** What was generated must validate before any of it is written (diagnostics name staged paths). */
async function checkValid(stage: string, dir: string): Promise<void> {
  try {
    await loadDesired({ files: [stage], cwd: stage, env: {}, allowOutsideRoot: false });
  } catch (err) {
    if (!(err instanceof AssistantsError)) throw err;
    const message = `the manifest generated for ${dir} does not validate (the lines above are from the generated text), so nothing was written`;
    const hint =
      'a live value the manifests do not accept: fix it in the account and run again; if the value is valid, this is a defect in assistants-iac';
    throw new AssistantsError('GENERATED_MANIFEST_INVALID', message, {
      hint,
      diagnostics: [
        ...err.toDiagnostics(),
        { severity: 'error', code: 'GENERATED_MANIFEST_INVALID', message, hint },
      ],
    });
  }
}

/**
 * Moves the staged folder's entries into `target`, after checking that none of them is there;
 * returns what it put there (to take back out if what follows fails).
 */
async function moveInto(stage: string, target: string, dir: string): Promise<string[]> {
  const entries = await readdir(stage);
  const present = await readdir(target).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  if (present === undefined) {
    // Made here rather than renamed from the stage, which mkdtemp made private.
    await mkdir(target);
    for (const entry of entries) await rename(path.join(stage, entry), path.join(target, entry));
    return [target];
  }
  const clash = entries.filter((entry) => present.includes(entry));
  if (clash.length > 0)
    throw new AssistantsError('GENERATE_TARGET_NOT_EMPTY', `${dir} already holds ${clash.join(', ')}`, {
      hint: 'generate into a new or empty folder',
    });
  for (const entry of entries) await rename(path.join(stage, entry), path.join(target, entry));
  return entries.map((entry) => path.join(target, entry));
}

/** Manifest files under `dir` (what `-f DIR` would read), relative to it; none when it is absent. */
async function manifestsIn(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { recursive: true, withFileTypes: true });
    return entries
      .filter((e) => e.isFile() && /\.ya?ml$/i.test(e.name))
      .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
      .sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/** Stamps every adopted resource, 4 at a time; returns those that failed. */
async function writeStamps(writer: StampWriter, generated: GeneratedStack) {
  const results = await mapLimit(generated.stamps, 4, async (stamp) => {
    try {
      await updateMetadata(writer, stamp.kind, stamp.id, stamp.metadata);
      return undefined;
    } catch (err) {
      return { id: stamp.id, reason: err instanceof Error ? err.message : String(err) };
    }
  });
  return results.filter((r): r is { id: string; reason: string } => r !== undefined);
}
