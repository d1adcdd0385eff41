import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { type Deposed, leftoverDeposed } from '../apply/deposed.js';
import { executePlan, recordSettings } from '../apply/executor.js';
import { resolveJournal } from '../apply/resolve-journal.js';
import { StateRecorder } from '../apply/state-recorder.js';
import { AssistantsError, type Diagnostic } from '../errors/index.js';
import type { Desired } from '../model/desired.js';
import { planHasChanges } from '../model/plan.js';
import { stateOwnershipErrors } from '../plan/ownership.js';
import { checkSavedPlan, checkUnclaimedLineage } from '../plan/saved-plan.js';
import { createApiClient } from '../provider/api-client.js';
import { readAccount } from '../provider/refresh.js';
import { sdkReader } from '../provider/sdk-reader.js';
import { sdkWriter } from '../provider/sdk-writer.js';
import { renderDiagnostics } from '../render/diagnostics-text.js';
import { planTextChunks } from '../render/plan-text.js';
import { HashCache } from '../state/hash-cache.js';
import { emptyState, type StateDocument } from '../state/state-document.js';
import { readPlanFile } from '../workflow/plan-file.js';
import {
  hashFiles,
  loadDesired,
  parseTargets,
  planFor,
  readStateFor,
  refreshFor,
} from '../workflow/prepare-plan.js';
import { parseDuration } from './duration.js';
import { EXIT } from './exit-codes.js';
import { hashCacheFile, openStateStore } from './open-state.js';
import type { CommandContext } from './program.js';
import { preferSmallHeap } from './small-heap.js';
import { withProgress } from './with-progress.js';

export interface ApplyFlags {
  file: string[];
  autoApprove?: boolean;
  parallelism: string;
  waitTimeout: string;
  wait: boolean;
  lockTimeout: string;
  target: string[];
  allowOutsideRoot?: boolean;
  verbose?: boolean;
}

/**
 * apply and destroy: lock the state, settle what an interrupted run left, plan against the API,
 * show the plan and ask (or check the saved plan), then carry it out with progress, saving the state
 * after every call. The lock is held from the first read to the last write.
 */
export async function runApplyFlow(
  context: CommandContext,
  flags: ApplyFlags,
  mode: { destroy: boolean; planFile?: string },
): Promise<void> {
  const { io } = context;
  preferSmallHeap();
  const globals = context.globals();
  const parallelism = Number(flags.parallelism);
  if (!Number.isInteger(parallelism) || parallelism < 1 || parallelism > 64)
    throw new AssistantsError(
      'USAGE',
      `--parallelism must be a whole number from 1 to 64, not ${flags.parallelism}`,
    );
  const waitTimeoutMs = parseDuration(flags.waitTimeout, '--wait-timeout');
  const lockTimeoutMs = parseDuration(flags.lockTimeout, '--lock-timeout');
  const saved = mode.planFile
    ? await readPlanFile(path.resolve(io.cwd, mode.planFile), mode.planFile)
    : undefined;
  // A saved plan is applied with the targets it was made with.
  if (saved && flags.target.length > 0 && flags.target.join() !== saved.targets.join())
    throw new AssistantsError(
      'USAGE',
      `${mode.planFile} was made for --target ${saved.targets.join(', ') || '(all)'}; do not give other targets`,
    );
  const targets = parseTargets(saved ? saved.targets : flags.target);
  const store = openStateStore(context);
  const loaded = mode.destroy
    ? undefined
    : await loadDesired({
        files: flags.file,
        cwd: io.cwd,
        env: io.env,
        allowOutsideRoot: flags.allowOutsideRoot === true,
      });

  const api = createApiClient({ baseUrl: globals.baseUrl, env: io.env });
  const reader = sdkReader(api);
  const writer = sdkWriter(api);
  const lock = await store.lock(mode.destroy ? 'destroy' : 'apply', { timeoutMs: lockTimeoutMs });
  let recorder: StateRecorder | undefined;
  let hashCache: HashCache | undefined;
  try {
    const existing = loaded ? await readStateFor(store, loaded.desired) : await store.read();
    // What an interrupted run left in the journal log is folded into the state before anything
    // else (read() has replayed it; its pending entries are settled below).
    if (existing) await store.compact(existing);
    if (mode.destroy && !existing) {
      io.stdout('No state: nothing to destroy.\n');
      return;
    }
    const desired: Desired = loaded?.desired ?? emptyDesired(existing?.stack ?? 'default');
    // Lineage is born in a state, never copied from a plan file: two states that applied one saved
    // plan would otherwise share it, and each would take the other's resources for leaks (even two
    // jobs racing, which no check can see). A plan made against no state is applied only where no
    // state is yet and it was not applied elsewhere already (see checkUnclaimedLineage).
    if (saved && !existing && saved.serial === 0)
      checkUnclaimedLineage(
        saved,
        await readAccount(reader),
        mode.planFile as string,
        Math.floor(Date.now() / 1000),
      );
    const doc: StateDocument = existing ?? emptyState(randomUUID(), desired.stack);
    const active = new StateRecorder(store, doc);
    recorder = active;
    // Only the files the state holds (or the journal names) are read before apply; the others are
    // hashed as they are uploaded. A saved plan's digest covers every file: all are read then
    // (from the cache when `plan -o` ran here).
    hashCache = await HashCache.load(hashCacheFile(store));
    const hashes = await hashFiles(desired, hashCache, doc, saved !== undefined, false);
    const unsettled = doc.pending.length;
    if (unsettled > 0) {
      // Settling may delete duplicates stamped with this lineage: first make sure the state is
      // this stack's (a state with another stack's lineage would take that stack's objects).
      const suspect = stateOwnershipErrors(doc, await refreshFor(reader, doc, desired));
      if (suspect.length > 0) {
        io.stderr(renderDiagnostics(suspect, context.style()));
        context.exitCode = EXIT.ERROR;
        return;
      }
      const settled = await resolveJournal(active, desired, hashes, reader, writer);
      io.stderr(
        `Settled ${unsettled} call(s) an earlier run left unconfirmed: adopted ${settled.adopted.length}, cleaned up ${settled.cleaned.length}.\n`,
      );
    }
    const live = await refreshFor(reader, doc, desired);
    const plan = planFor({ desired, hashes, state: doc, live, targets });
    const warnings: Diagnostic[] = [...(loaded?.warnings ?? []), ...plan.warnings];
    const style = context.style();

    if (saved) checkSavedPlan(saved, plan, existing !== undefined, mode.planFile as string);
    else for (const chunk of planTextChunks(plan, style)) io.stdout(chunk);
    // Old halves of replacements an earlier run left: not changes of the manifests, but deletes.
    const leftovers = leftoverDeposed(doc);
    if (leftovers.length > 0) io.stdout(renderLeftovers(leftovers));
    if (plan.errors.length > 0) {
      io.stderr(renderDiagnostics([...plan.errors, ...warnings], style));
      context.exitCode = EXIT.ERROR;
      return;
    }
    if (warnings.length > 0) io.stderr(renderDiagnostics(warnings, style));
    // Old halves of replacements that an earlier run left in the journal are removed even when the
    // plan has nothing else to do (they are not changes of the manifests, but they cost money).
    if (!planHasChanges(plan) && leftovers.length === 0) {
      // Nothing for the API; settings kept only in the state (protect, a moved path) still count.
      if (!mode.destroy) await recordSettings(active, desired);
      return;
    }
    if (!saved && !flags.autoApprove) await approve(context, mode.destroy ? 'destroy' : 'apply');

    const { result: outcome } = await withProgress(
      io,
      style,
      (sink, stop) =>
        executePlan({
          plan,
          desired,
          hashes,
          hashCache,
          recorder: active,
          writer,
          reader,
          live,
          sink,
          options: { parallelism, wait: flags.wait, waitTimeoutMs, stop, destroy: mode.destroy },
        }),
      { verbose: flags.verbose === true },
    );
    const notes = [...outcome.errors, ...outcome.warnings];
    if (notes.length > 0) io.stderr(renderDiagnostics(notes, style));
    if (outcome.interrupted) {
      io.stderr(
        renderDiagnostics(
          [
            {
              severity: 'error',
              code: 'APPLY_INTERRUPTED',
              message:
                'stopped before the end; what was done is saved in the state. Run apply again to finish.',
            },
          ],
          style,
        ),
      );
      context.exitCode = EXIT.INTERRUPTED;
    } else context.exitCode = outcome.errors.length > 0 ? EXIT.ERROR : EXIT.OK;
  } finally {
    // Whatever ended the run, what it recorded is written while the lock is still held.
    await recorder?.settled().catch(() => {});
    // What the uploads hashed, for the next plan (a cache: it never fails the run).
    await hashCache?.save();
    await lock.release();
  }
}

/** The old objects an earlier run left to remove, as apply will remove them once nothing uses them. */
function renderLeftovers(leftovers: readonly Deposed[]): string {
  const lines = leftovers.map(
    (old) => `  - ${old.address} (${old.id})${old.storeId ? `, attached to ${old.storeId}` : ''}\n`,
  );
  return `\nAn earlier run left ${leftovers.length} old object(s) of replacements; apply removes them once nothing uses them:\n${lines.join('')}`;
}

function emptyDesired(stack: string): Desired {
  return { stack, manifests: [], files: [], vectorStores: [], memberships: [], assistants: [] };
}

const QUESTIONS = {
  apply: ['apply', 'perform these actions'],
  destroy: ['destroy', 'destroy every resource in this stack'],
  gc: ['gc', 'delete these resources'],
} as const;

/** Asks for `yes` on a terminal; refuses where no one can answer. */
export async function approve(context: CommandContext, command: keyof typeof QUESTIONS): Promise<void> {
  const { io } = context;
  const [name, question] = QUESTIONS[command];
  if (!io.prompt) {
    throw new AssistantsError('APPROVAL_REQUIRED', `${name} needs approval, and stdin is not a terminal`, {
      hint: 'review the plan above, then run again with --auto-approve (or apply a saved plan file)',
    });
  }
  const answer = await io.prompt(
    `\nDo you really want to ${question}?\n  Only 'yes' will be accepted to approve.\n\n  Enter a value: `,
  );
  if (answer.trim() !== 'yes') throw new AssistantsError('APPLY_CANCELLED', `${name} cancelled.`);
}
