import { randomUUID } from 'node:crypto';
import { isRefused, type RenderedFiles } from '../apply/rendered-files.js';
import { AssistantsError, type Diagnostic } from '../errors/index.js';
import { type ValidateOptions, type ValidationResult, validateManifests } from '../manifest/validate.js';
import { type Address, type ParsedAddress, parseAddress } from '../model/address.js';
import { parseRendered } from '../model/agent.js';
import type { Desired } from '../model/desired.js';
import { ADDRESS_FORMS, KINDS, type ResourceKind } from '../model/kinds.js';
import type { LiveView, RenderedFile } from '../model/live.js';
import type { Plan } from '../model/plan.js';
import type { StoragePrices } from '../model/storage-cost.js';
import { manifestDigest } from '../plan/manifest-digest.js';
import { makePlan } from '../plan/planner.js';
import { REPLACE_ORDER } from '../plan/replace-requests.js';
import type { ApiReader } from '../provider/live-view.js';
import { refresh } from '../provider/refresh.js';
import { HashCache } from '../state/hash-cache.js';
import type { StateDocument } from '../state/state-document.js';
import { type StateStore, withStateLock } from '../state/state-store.js';
import { mapLimit } from '../util/concurrency.js';
import { counted } from '../util/words.js';
import { addSkillHashes, filesToHash, hashDesiredFiles, skillFilesToHash } from './file-hashes.js';
import { readStateOf } from './locked-state.js';

export interface ManifestOptions {
  /** The -f arguments. */
  files: readonly string[];
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  allowOutsideRoot: boolean;
  /** Told of each YAML document a folder holds that is no manifest (see validateManifests). */
  onSkipped?: ValidateOptions['onSkipped'];
}

export interface PreparePlanOptions extends ManifestOptions {
  store: StateStore;
  lockTimeoutMs: number;
  /** false: plan against the state alone, with no API call (and no key needed). */
  refresh: boolean;
  targets: readonly string[];
  /** --replace addresses (checked by parseReplace). */
  replace?: readonly string[];
  /** --refresh-only: a plan of the drift alone (see PlanInput.refreshOnly). */
  refreshOnly?: boolean;
  /** What storage costs; the published prices when absent. */
  prices?: StoragePrices;
  hashCacheFile: string;
  /**
   * Hash every file, new ones too (`plan -o`): a saved plan's digest then covers every file's bytes,
   * so `apply PLANFILE` refuses it when one changed. Otherwise a file the state lacks is not read.
   */
  hashAll?: boolean;
  /** Made only when the API is read, so --refresh=false needs no key. */
  reader: () => ApiReader;
  /** Agents' rendered files, read back for drift (where they may be depends on the manifests' roots). */
  renderedFiles: (desired: Desired) => RenderedFiles;
}

export interface PreparedPlan {
  plan: Plan;
  desired: Desired;
  state: StateDocument | undefined;
  /** Validation warnings and notes about the state, for the CLI to print. */
  warnings: Diagnostic[];
}

/**
 * `plan`'s one async step: validate the manifests, hold the state lock while reading the state,
 * hash the files, read the API, then call the pure planner. Read-only towards the API and the
 * state; the only write is the local hash cache. `apply` runs the same steps (see apply.ts).
 */
export async function preparePlan(options: PreparePlanOptions): Promise<PreparedPlan> {
  const targets = parseTargets(options.targets);
  const replace = parseReplace(options.replace ?? []);
  if (options.refreshOnly && (!options.refresh || replace.length > 0))
    throw new AssistantsError(
      'USAGE',
      `--refresh-only reads the API and changes nothing: it cannot go with ${options.refresh ? '--replace' : '--refresh=false'}`,
    );
  const { desired, warnings } = await loadDesired(options);
  return withStateLock(options.store, 'plan', { timeoutMs: options.lockTimeoutMs }, async () => {
    const state = await readStateOf(options.store, desired.stack);
    // The files are read, and the manifests digested, while the API answers.
    const [{ hashes, digest }, live] = await Promise.all([
      HashCache.load(options.hashCacheFile)
        .then((cache) => hashFiles(desired, cache, state, options.hashAll === true))
        .then((hashes) => ({ hashes, digest: manifestDigest(desired, hashes) })),
      options.refresh
        ? refreshFor(options.reader(), state, desired, options.renderedFiles(desired))
        : undefined,
    ]);
    const refreshOnly = options.refreshOnly === true;
    const prices = options.prices ? { prices: options.prices } : {};
    const plan = planFor({ desired, hashes, state, live, targets, replace, refreshOnly, digest, ...prices });
    return { plan, desired, state, warnings: [...warnings, ...stateNotes(state)] };
  });
}

/** The desired model, or a thrown error carrying every diagnostic (nothing else is read then). */
export async function loadDesired(
  options: ManifestOptions,
): Promise<{ desired: Desired; warnings: Diagnostic[]; read: NonNullable<ValidationResult['read']> }> {
  const validation = await validateManifests(options.files, {
    cwd: options.cwd,
    env: options.env,
    allowOutsideRoot: options.allowOutsideRoot,
    ...(options.onSkipped ? { onSkipped: options.onSkipped } : {}),
  });
  const { value: desired, read } = validation;
  if (!desired || !read) {
    const first = validation.errors[0];
    throw new AssistantsError(first?.code ?? 'NO_MANIFESTS', first?.message ?? 'no manifest was read', {
      diagnostics: [...validation.errors, ...validation.warnings],
    });
  }
  return { desired, warnings: validation.warnings, read };
}

/**
 * The content hashes the plan needs (see filesToHash), by file name; files left out are absent
 * (their hash is known after apply). The cache is saved with what was read, unless `save` is false
 * (apply saves it once, at the end).
 */
export async function hashFiles(
  desired: Desired,
  cache: HashCache,
  state: StateDocument | undefined,
  all: boolean,
  save = true,
): Promise<Map<string, string>> {
  // Every skill is hashed, each time: its hash decides whether a version is uploaded, and the
  // cache makes an unchanged folder cost a stat per file.
  const files = [
    ...filesToHash(desired.files, state, all, desired.moves),
    ...skillFilesToHash(desired.skills),
  ];
  const { hashes } = await hashDesiredFiles(files, cache, 8, save);
  addSkillHashes(desired.skills, hashes);
  return hashes;
}

/**
 * Reads what the state holds from the API (and probes for assistants when the manifests want some),
 * and the agents' rendered files from disk when `rendered` is given.
 */
export async function refreshFor(
  reader: ApiReader,
  state: StateDocument | undefined,
  desired: Desired,
  rendered?: RenderedFiles,
): Promise<LiveView> {
  // The journal's pending deletes of files are read too: apply checks them before deleting.
  const pendingFiles = (state?.pending ?? []).flatMap((op) =>
    op.kind === 'file' && op.operation === 'delete' && op.resource_id ? [op.resource_id] : [],
  );
  const [live, renderedFiles] = await Promise.all([
    refresh(reader, {
      fileIds: new Set([...idsOf(state, 'file'), ...pendingFiles]),
      vectorStoreIds: idsOf(state, 'vector_store'),
      assistantIds: idsOf(state, 'assistant'),
      probeAssistants: desired.assistants.length > 0,
      skills: recordedSkillVersions(state),
    }),
    rendered ? readRenderedFiles(rendered, state) : undefined,
  ]);
  if (renderedFiles) live.renderedFiles = renderedFiles;
  return live;
}

/** The skills the state holds, each with the version it recorded as the default. */
function recordedSkillVersions(state: StateDocument | undefined): Map<string, string> {
  const skills = new Map<string, string>();
  for (const resource of Object.values(state?.resources ?? {}))
    if (resource.kind === 'skill') skills.set(resource.id, String(resource.attributes.default_version));
  return skills;
}

/**
 * The files the state's agents were rendered to, as they are now (see AGENT_PLAN.observe). A path
 * the state names where no agent may be written (an edited state) is not read: the plan takes the
 * state's word for it, and apply refuses to write or remove it.
 */
async function readRenderedFiles(
  rendered: RenderedFiles,
  state: StateDocument | undefined,
): Promise<Map<string, RenderedFile>> {
  const targets = Object.values(state?.resources ?? {}).flatMap((resource) =>
    resource.kind === 'agent' && resource.attributes.render_to !== null
      ? [resource.attributes.render_to]
      : [],
  );
  const seen = new Map<string, RenderedFile>();
  await mapLimit(targets, 8, async (target) => {
    const read = await rendered.read(target).catch((err: unknown) => {
      if (isRefused(err)) return undefined;
      throw err;
    });
    if (!read) return;
    seen.set(
      target,
      read.status === 'missing'
        ? read
        : { status: 'found', request: read.text === null ? undefined : parseRendered(read.text) },
    );
  });
  return seen;
}

/** The pure planner with its digest and lineage filled in. */
export function planFor(input: {
  desired: Desired;
  /** Content hashes by file name; a file without one is planned with its hash known after apply. */
  hashes: ReadonlyMap<string, string>;
  state: StateDocument | undefined;
  live: LiveView | undefined;
  targets: readonly Address[];
  replace?: readonly Address[];
  refreshOnly?: boolean;
  /** manifestDigest(desired, hashes), when already worked out. */
  digest?: string;
  prices?: StoragePrices;
}): Plan {
  return makePlan({
    ...input,
    now: Math.floor(Date.now() / 1000),
    lineage: input.state?.lineage ?? randomUUID(),
    manifestDigest: input.digest ?? manifestDigest(input.desired, input.hashes),
  });
}

/**
 * --replace addresses: well formed, and of a kind that has a replacement (assistants and agents
 * are updated in place whatever changes).
 */
export function parseReplace(addresses: readonly string[]): Address[] {
  const parsed = parseAddresses('--replace', addresses);
  for (const address of parsed) {
    const { kind } = parseAddress(address) as ParsedAddress;
    if (!REPLACE_ORDER[kind])
      throw new AssistantsError(
        'USAGE',
        `--replace ${address}: ${KINDS[kind].phaseNoun} are updated in place, so there is nothing to replace`,
        { hint: '--replace takes files, vector stores and their memberships (vector_store_file.STORE/FILE)' },
      );
  }
  return parsed;
}

export function parseTargets(targets: readonly string[]): Address[] {
  return parseAddresses('--target', targets);
}

/** The addresses a flag was given, each once; INVALID_ADDRESS for one that is not an address. */
function parseAddresses(flag: string, addresses: readonly string[]): Address[] {
  for (const address of addresses) {
    if (!parseAddress(address)) {
      throw new AssistantsError('INVALID_ADDRESS', `${flag} ${address} is not a resource address`, {
        hint: `addresses look like ${ADDRESS_FORMS}`,
      });
    }
  }
  return [...new Set(addresses)];
}

function idsOf(state: StateDocument | undefined, kind: ResourceKind): Set<string> {
  return new Set(
    Object.values(state?.resources ?? {})
      .filter((resource) => resource.kind === kind)
      .map((resource) => resource.id),
  );
}

export function stateNotes(state: StateDocument | undefined): Diagnostic[] {
  const pending = state?.pending.length ?? 0;
  if (pending === 0) return [];
  return [
    {
      severity: 'warning',
      code: 'PENDING_OPERATIONS',
      message: `an earlier apply stopped with ${counted(pending, 'call')} whose outcome is not recorded; the next apply resolves them before anything else`,
    },
  ];
}
