import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { StateRecorder } from '../apply/state-recorder.js';
import { AssistantsError } from '../errors/index.js';
import {
  adoptableStores,
  type GeneratedStack,
  generateStack,
  type SkippedResource,
} from '../plan/generate-stack.js';
import { loadDesired } from '../plan/prepare-plan.js';
import { RESOURCE_NAME, slug } from '../plan/resource-keys.js';
import { createApiClient } from '../provider/api-client.js';
import { mapLimit } from '../provider/concurrency.js';
import { readAccount, readMembers } from '../provider/refresh.js';
import { sdkReader } from '../provider/sdk-reader.js';
import { sdkWriter } from '../provider/sdk-writer.js';
import { renderManifestYaml } from '../render/manifest-yaml.js';
import { emptyState } from '../state/state-document.js';
import { parseDuration } from './duration.js';
import { openStateStore } from './open-state.js';
import type { CommandContext } from './program.js';

export interface GenerateFlags {
  stack?: string;
  lockTimeout: string;
}

/** The one file generate writes into DIR. */
export const GENERATED_MANIFEST = 'assistants.yaml';

/**
 * `assistants import --generate DIR`: adopt what the account holds into a new stack. Reads every
 * store (with its files) and assistant, writes DIR/assistants.yaml and a state that plans clean,
 * then stamps each adopted store and assistant (its metadata gains the two ownership keys; the
 * only write to the API). The manifest is validated before anything is written; the state is
 * written before the stamps, so an interrupted run leaves stamps its own state explains.
 */
export async function generateFromAccount(context: CommandContext, dir: string, flags: GenerateFlags) {
  const { io } = context;
  const target = path.resolve(io.cwd, dir);
  const stack = flags.stack ?? (slug(path.basename(target)) || 'default');
  if (!RESOURCE_NAME.test(stack))
    throw new AssistantsError('USAGE', `--stack ${JSON.stringify(stack)} is not a valid stack name`, {
      hint: "a stack name is 1 to 64 letters, digits, '_', '-' or '.', starting with a letter or digit",
    });
  const existing = await manifestsIn(target);
  if (existing.length > 0)
    throw new AssistantsError(
      'GENERATE_TARGET_NOT_EMPTY',
      `${dir} already holds manifests (${existing.slice(0, 3).join(', ')}${existing.length > 3 ? ', ...' : ''})`,
      {
        hint: 'generate into a new or empty folder; to adopt single resources into these manifests, use `assistants import ADDRESS ID`',
      },
    );

  const api = createApiClient({ baseUrl: context.globals().baseUrl, env: io.env });
  const store = openStateStore(context);
  const lock = await store.lock('import', { timeoutMs: parseDuration(flags.lockTimeout, '--lock-timeout') });
  try {
    const state = await store.read();
    const held = Object.keys(state?.resources ?? {}).length;
    if (state && held > 0)
      throw new AssistantsError(
        'STATE_NOT_EMPTY',
        `the state at ${store.location} already holds ${held} resource(s) of stack "${state.stack}"`,
        {
          hint: 'generate starts a new stack: pass --state with a new path, or adopt single resources with `assistants import ADDRESS ID`',
        },
      );
    const lineage = state?.lineage ?? randomUUID();

    const reader = sdkReader(api);
    const account = await readAccount(reader);
    const members = await readMembers(
      reader,
      adoptableStores(account.vectorStores, lineage),
      account.vectorStores,
    );
    const generated = generateStack({ ...account, members }, { stack, lineage });
    const yaml = renderManifestYaml(generated, new Date().toISOString().slice(0, 10));
    await checkValid(yaml, dir);

    await mkdir(target, { recursive: true });
    const file = path.join(target, GENERATED_MANIFEST);
    const temp = path.join(target, `.${GENERATED_MANIFEST}.${process.pid}.tmp`);
    await writeFile(temp, yaml, { flag: 'wx' });
    await rename(temp, file);

    await new StateRecorder(store, emptyState(lineage, stack)).mutate((doc) => {
      Object.assign(doc.resources, generated.resources);
    });
    const failed = await writeStamps(api, generated);

    io.stdout(summary(generated, path.relative(io.cwd, file) || file, store.location));
    if (failed.length > 0)
      throw new AssistantsError(
        'STAMP_FAILED',
        `${failed.length} resource(s) could not be stamped: ${failed.map((f) => `${f.id} (${f.reason})`).join('; ')}`,
        {
          hint: 'the state is written; the next `assistants apply` stamps them (the plan shows it as a metadata update)',
        },
      );
  } finally {
    await lock.release();
  }
}

/** Generated text must validate before any of it is written: checked in a scratch folder. */
async function checkValid(yaml: string, dir: string): Promise<void> {
  const scratch = await mkdtemp(path.join(tmpdir(), 'assistants-generate-'));
  try {
    await writeFile(path.join(scratch, GENERATED_MANIFEST), yaml);
    await loadDesired({ files: [scratch], cwd: scratch, env: {}, allowOutsideRoot: false });
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
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
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
async function writeStamps(api: ReturnType<typeof createApiClient>, generated: GeneratedStack) {
  const writer = sdkWriter(api);
  const results = await mapLimit(generated.stamps, 4, async (stamp) => {
    try {
      if (stamp.kind === 'vector_store') await writer.updateVectorStoreMetadata(stamp.id, stamp.metadata);
      else await writer.updateAssistantMetadata(stamp.id, stamp.metadata);
      return undefined;
    } catch (err) {
      return { id: stamp.id, reason: err instanceof Error ? err.message : String(err) };
    }
  });
  return results.filter((r): r is { id: string; reason: string } => r !== undefined);
}

function summary(generated: GeneratedStack, file: string, stateLocation: string): string {
  const stores = Object.keys(generated.manifest.vector_stores ?? {}).length;
  const assistants = Object.keys(generated.manifest.assistants ?? {}).length;
  const members = Object.values(generated.resources).filter((r) => r.kind === 'vector_store_file').length;
  const lines = [
    `Generated ${file}: ${stores} vector store(s) with ${members} file(s) attached by id, ${assistants} assistant(s).`,
    `State written to ${stateLocation}; adopted stores and assistants are stamped as this stack's.`,
  ];
  if (generated.skipped.length > 0) {
    lines.push('', `Skipped ${generated.skipped.length}:`);
    for (const s of generated.skipped) lines.push(`  ${skippedLine(s)}`);
  }
  if (generated.warnings.length > 0) {
    lines.push('', 'These will not plan clean:');
    for (const w of generated.warnings) lines.push(`  ${w}`);
  }
  lines.push('', `Next: \`assistants plan -f ${path.dirname(file) || '.'}\` should show no changes.`);
  return `${lines.join('\n')}\n`;
}

function skippedLine(s: SkippedResource): string {
  const what = `${s.kind} ${s.id}${s.name ? ` "${s.name}"` : ''}`;
  if (s.reason === 'expired') return `${what}: expired (\`assistants gc --all-expired\` collects it)`;
  return `${what}: owned by another state (lineage ${s.owner?.lineage}, address ${s.owner?.address ?? '(none)'}); adopt it there, or with \`assistants import --force\``;
}
