import { randomUUID } from 'node:crypto';
import { AssistantsError, type Diagnostic } from '../errors/index.js';
import { validateManifests } from '../manifest/validate.js';
import { type Address, parseAddress } from '../model/address.js';
import type { Desired } from '../model/desired.js';
import type { Plan } from '../model/plan.js';
import type { ApiReader } from '../provider/live-view.js';
import { refresh } from '../provider/refresh.js';
import { HashCache } from '../state/hash-cache.js';
import type { StateDocument } from '../state/state-document.js';
import type { StateStore } from '../state/state-store.js';
import { hashDesiredFiles } from './file-hashes.js';
import { manifestDigest } from './manifest-digest.js';
import { makePlan } from './planner.js';

export interface PreparePlanOptions {
  /** The -f arguments. */
  files: readonly string[];
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  allowOutsideRoot: boolean;
  store: StateStore;
  lockTimeoutMs: number;
  /** false: plan against the state alone, with no API call (and no key needed). */
  refresh: boolean;
  targets: readonly string[];
  hashCacheFile: string;
  /** Made only when the API is read, so --refresh=false needs no key. */
  reader: () => ApiReader;
}

export interface PreparedPlan {
  plan: Plan;
  desired: Desired;
  state: StateDocument | undefined;
  /** Validation warnings and notes about the state, for the CLI to print. */
  warnings: Diagnostic[];
}

/**
 * The one async step before planning: validate the manifests, hold the state lock while reading
 * the state, hash the files, read the API, then call the pure planner. Read-only towards the API
 * and the state; the only write is the local hash cache.
 */
export async function preparePlan(options: PreparePlanOptions): Promise<PreparedPlan> {
  const targets = parseTargets(options.targets);
  const validation = await validateManifests(options.files, {
    cwd: options.cwd,
    env: options.env,
    allowOutsideRoot: options.allowOutsideRoot,
  });
  const desired = validation.value;
  if (!desired) {
    const first = validation.errors[0];
    throw new AssistantsError(first?.code ?? 'NO_MANIFESTS', first?.message ?? 'no manifest was read', {
      diagnostics: [...validation.errors, ...validation.warnings],
    });
  }

  const lock = await options.store.lock('plan', { timeoutMs: options.lockTimeoutMs });
  try {
    const state = await options.store.read();
    if (state && state.stack !== desired.stack) {
      throw new AssistantsError(
        'STACK_MISMATCH',
        `the state at ${options.store.location} belongs to stack "${state.stack}", the manifests to "${desired.stack}"`,
        { hint: 'use --state to point at the state of this stack' },
      );
    }
    const { hashes } = await hashDesiredFiles(desired.files, await HashCache.load(options.hashCacheFile));
    const live = options.refresh
      ? await refresh(options.reader(), {
          fileIds: idsOf(state, 'file'),
          vectorStoreIds: idsOf(state, 'vector_store'),
          assistantIds: idsOf(state, 'assistant'),
          probeAssistants: desired.assistants.length > 0,
        })
      : undefined;
    const plan = makePlan({
      desired,
      hashes,
      state,
      live,
      lineage: state?.lineage ?? randomUUID(),
      manifestDigest: manifestDigest(desired, hashes),
      targets,
    });
    return {
      plan,
      desired,
      state,
      warnings: [...validation.warnings, ...stateNotes(state)],
    };
  } finally {
    await lock.release();
  }
}

function parseTargets(targets: readonly string[]): Address[] {
  for (const target of targets) {
    if (!parseAddress(target)) {
      throw new AssistantsError('INVALID_ADDRESS', `--target ${target} is not a resource address`, {
        hint: 'addresses look like file.NAME, vector_store.NAME, vector_store_file.STORE/FILE or assistant.NAME',
      });
    }
  }
  return [...new Set(targets)];
}

function idsOf(state: StateDocument | undefined, kind: string): Set<string> {
  return new Set(
    Object.values(state?.resources ?? {})
      .filter((resource) => resource.kind === kind)
      .map((resource) => resource.id),
  );
}

function stateNotes(state: StateDocument | undefined): Diagnostic[] {
  const pending = state?.pending.length ?? 0;
  if (pending === 0) return [];
  return [
    {
      severity: 'warning',
      code: 'PENDING_OPERATIONS',
      message: `an earlier apply stopped with ${pending} call(s) whose outcome is not recorded; the next apply resolves them before anything else`,
    },
  ];
}
