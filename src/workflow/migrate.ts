import { randomUUID } from 'node:crypto';
import { link, lstat, mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { AssistantsError, type Diagnostic } from '../errors/index.js';
import { isInside, realFolder } from '../manifest/confined-path.js';
import { toPosix } from '../manifest/file-inspect.js';
import { displayPathOf, rootsOf } from '../manifest/manifest-files.js';
import { type Entry, isMapping, mergeDocuments } from '../manifest/merge.js';
import { type MigrateDifference, migrateAssistants } from '../manifest/migrate-assistants.js';
import type { SourceDocument } from '../manifest/source-document.js';
import { renderAgentsYaml } from '../render/agents-yaml.js';
import { loadDesired, type ManifestOptions } from './prepare-plan.js';

export interface MigrateRequest {
  /** The -f arguments (none: the working folder). */
  files: readonly string[];
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  allowOutsideRoot: boolean;
  onSkipped?: ManifestOptions['onSkipped'];
  /** --write FILE as given; undefined to hand the manifest back for printing. */
  write?: string;
}

export type MigrateOutcome =
  | {
      kind: 'none';
      /** The manifests read, as displayed. */
      manifests: string[];
      warnings: Diagnostic[];
    }
  | {
      kind: 'migrated';
      manifests: string[];
      warnings: Diagnostic[];
      /** The manifest of agents, as YAML. */
      yaml: string;
      /** The agents, in manifest order. */
      agents: string[];
      differences: MigrateDifference[];
      /** The file written (as displayed), with --write. */
      written?: string;
    };

/**
 * `assistants migrate`: the assistants of the manifests as `agents:` (see migrateAssistants). The
 * manifests must validate first (else the error carries every diagnostic, as `plan`'s does); the
 * assistants are then read as written, `${env:...}` kept. With `write`, the manifest goes to a new
 * file inside a manifest root, written whole or not at all and never over an existing file.
 */
export async function migrateWorkflow(request: MigrateRequest): Promise<MigrateOutcome> {
  // The documents as written: the assistants' values before `${env:...}` was substituted.
  const { desired, warnings, read } = await loadDesired(request);
  const { merged } = mergeDocuments(
    read.documents.map((doc) => ({ doc, written: doc.value, value: doc.value })),
  );
  const manifests = read.files.map((f) => f.displayPath);
  const assistants = [...merged.assistants.values()];
  if (assistants.length === 0) return { kind: 'none', manifests, warnings };

  const roots = rootsOf(read.files);
  const target =
    request.write === undefined ? undefined : await checkTarget(request.write, request.cwd, roots);
  const folder = target?.dir ?? (roots[0] as string);
  checkNamesFree(read.documents, assistants);
  // The models once interpolated, which decide what settings they accept.
  const models = new Map(desired.assistants.map((a) => [a.name, a.model]));
  const { agents, differences } = migrateAssistants({
    assistants: assistants.map((entry) => ({
      name: entry.name,
      assistant: entry.value,
      base: toPosix(path.relative(folder, entry.doc.dir)),
      ...(models.has(entry.name) ? { model: models.get(entry.name) } : {}),
    })),
    sharedTools: new Map([...merged.tools].map(([name, entry]) => [name, entry.value])),
  });
  const yaml = renderAgentsYaml({
    ...stackOf(read.documents),
    agents,
    differences,
    from: manifests,
    ...(target ? {} : { pathsRelativeTo: shownFolder(folder, request.cwd) }),
  });
  const outcome = {
    kind: 'migrated' as const,
    manifests,
    warnings,
    yaml,
    agents: [...agents.keys()],
    differences,
  };
  if (!target) return outcome;
  await writeNewFile(target, yaml);
  return { ...outcome, written: target.shown };
}

/** Where --write puts the manifest: its real folder (made if missing) and real path. */
interface Target {
  dir: string;
  file: string;
  /** As displayed. */
  shown: string;
}

/**
 * Checks --write FILE before anything is made: a manifest name that `-f FOLDER` reads, no file
 * there yet, and a folder inside a manifest root once links are followed (the agents' paths are
 * relative to it, and validation confines paths to the root).
 */
async function checkTarget(write: string, cwd: string, roots: readonly string[]): Promise<Target> {
  const absolute = path.resolve(cwd, write);
  const shown = displayPathOf(absolute, cwd);
  const name = path.basename(absolute);
  if (!/\.ya?ml$/i.test(name) || name.startsWith('.'))
    throw new AssistantsError(
      'USAGE',
      `--write ${write}: the file name must end in .yaml or .yml and not start with "."`,
      {
        hint: 'a folder given with -f reads *.yaml and *.yml files only, and skips names that start with "."',
      },
    );
  if (await exists(absolute)) throw targetExists(shown);
  const dir = await realFolder(path.dirname(absolute)).catch((err: unknown) => {
    throw writeFailed(shown, err);
  });
  if (!roots.some((root) => isInside(root, dir)))
    throw new AssistantsError(
      'PATH_OUTSIDE_ROOT',
      `--write ${write} is outside the manifest root (${roots.map((r) => shownFolder(r, cwd)).join(', ')})`,
      {
        hint: 'write the agents inside the folder given with -f (or the folder of the manifest file given), where their paths resolve',
      },
    );
  return { dir, file: path.join(dir, name), shown };
}

/** A folder as displayed: `.` for the working folder itself. */
function shownFolder(folder: string, cwd: string): string {
  return path.relative(cwd, folder) === '' ? '.' : displayPathOf(folder, cwd);
}

function targetExists(shown: string): AssistantsError {
  return new AssistantsError(
    'MIGRATE_TARGET_EXISTS',
    `${shown} already exists; migrate writes a new file and never replaces one`,
    { hint: 'pass --write with a new file name, or move the existing file away first' },
  );
}

/** True when something (a link, even a dangling one) is at `file`. */
async function exists(file: string): Promise<boolean> {
  try {
    await lstat(file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw writeFailed(file, err);
  }
}

function writeFailed(shown: string, err: unknown): AssistantsError {
  const reason = (err as NodeJS.ErrnoException).code ?? (err instanceof Error ? err.message : String(err));
  return new AssistantsError('MIGRATE_WRITE_FAILED', `cannot write ${shown}: ${reason}`, { cause: err });
}

/** Codes of link() that mean the file system cannot make hard links, not that the target exists. */
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV', 'EMLINK']);

/**
 * Writes `text` to a new file, whole or not at all: it goes to a hidden file beside the target,
 * synced, then takes the target's name with link(), which fails on any file already there, so a
 * file made meanwhile is not replaced either. Where hard links are not supported, rename() after a
 * last look takes their place.
 */
async function writeNewFile(target: Target, text: string): Promise<void> {
  const temp = path.join(target.dir, `.${path.basename(target.file)}.migrate-${randomUUID().slice(0, 8)}`);
  try {
    await mkdir(target.dir, { recursive: true });
    const handle = await open(temp, 'wx');
    try {
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await link(temp, target.file);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? '';
      if (code === 'EEXIST') throw targetExists(target.shown);
      if (!NO_HARD_LINKS.has(code)) throw err;
      if (await exists(target.file)) throw targetExists(target.shown);
      await rename(temp, target.file);
    }
  } catch (err) {
    if (err instanceof AssistantsError) throw err;
    throw writeFailed(target.shown, err);
  } finally {
    await rm(temp, { force: true });
  }
}

/** The stack as the first manifest that sets one writes it (validation made them agree). */
function stackOf(documents: readonly SourceDocument[]): { stack?: string } {
  for (const doc of documents) {
    const stack = isMapping(doc.value) ? doc.value.stack : undefined;
    if (typeof stack === 'string') return { stack };
  }
  return {};
}

/**
 * Refuses to migrate an assistant whose name an agent already has: the new manifest would define
 * that agent twice. Every clash is reported, where the agent is defined.
 */
function checkNamesFree(documents: readonly SourceDocument[], assistants: readonly Entry<unknown>[]): void {
  const names = new Set(assistants.map((a) => a.name));
  const clashes: Diagnostic[] = [];
  for (const doc of documents) {
    const agents = isMapping(doc.value) ? doc.value.agents : undefined;
    if (!isMapping(agents)) continue;
    for (const name of Object.keys(agents)) {
      if (!names.has(name)) continue;
      const location = doc.locate(['agents', name], 'key');
      clashes.push({
        severity: 'error',
        code: 'DUPLICATE_NAME',
        message: `agent "${name}" is already defined, so assistant "${name}" cannot become an agent of that name`,
        hint: 'rename or remove the agent (or the assistant), then migrate again',
        location,
        excerpt: doc.lineText(location.line),
      });
    }
  }
  const first = clashes[0];
  if (first) throw new AssistantsError(first.code, first.message, { diagnostics: clashes });
}
