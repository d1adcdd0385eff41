import type { Dirent } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Diagnostic } from '../errors/index.js';
import { pushAll } from '../util/arrays.js';
import { agrees, counted } from '../util/words.js';
import {
  isInside,
  isUpward,
  type PathResolver,
  pathResolver,
  type Resolution,
  resolveAnywhere,
} from './confined-path.js';
import { toPosix } from './file-inspect.js';
import { MANIFEST_RULE, type Skipped } from './manifest-rule.js';

/** A manifest file to read, and the root that confines the paths it references. */
export interface ManifestFile {
  /** Absolute path of the manifest file, symlinks resolved (so that it compares with `root`). */
  path: string;
  /** Absolute real path of the manifest root: the folder given to -f, or the folder of the file given. */
  root: string;
  /** The path as shown to the user: relative to the working folder when inside it. */
  displayPath: string;
  /**
   * The folder it was found in, as the -f argument named it (`.` for the default): its YAML
   * documents are manifests only when they look like one (see whyNotManifest). Absent for a file
   * named itself, which is read as a manifest whatever it holds.
   */
  folder?: string;
}

/** What is read without -f: the working folder, searched as `-f .` searches it. */
export const DEFAULT_FOLDER = '.';

/**
 * The error for a folder that holds no manifest: `folder` as the -f argument named it, and how
 * many of its YAML files were skipped as something else.
 */
export function noManifestIn(folder: string, skipped: number): Diagnostic {
  const where = folder === DEFAULT_FOLDER ? 'the working folder' : `folder "${folder}"`;
  return {
    severity: 'error',
    code: 'NO_MANIFESTS',
    message: `no manifest in ${where}: ${MANIFEST_RULE}`,
    hint:
      skipped > 0
        ? `${counted(skipped, 'YAML file')} there ${agrees(skipped, 'is', 'are')} not ${agrees(skipped, 'a manifest', 'manifests')} (--debug lists ${agrees(skipped, 'it', 'them')}); name a manifest file with -f FILE to read it whatever it holds`
        : 'pass a manifest file or folder with -f PATH',
  };
}

/** The roots of manifest files, each once, in the order found. */
export function rootsOf(files: readonly ManifestFile[]): string[] {
  return [...new Set(files.map((file) => file.root))];
}

/** Shows `absolute` relative to `cwd` when it lies inside it, else as is. */
export function displayPathOf(absolute: string, cwd: string): string {
  const rel = path.relative(cwd, absolute);
  return rel === '' || isUpward(rel) || path.isAbsolute(rel) ? absolute : rel;
}

const MANIFEST_NAME = /\.ya?ml$/;

/**
 * Expands the -f arguments (none: the working folder) into manifest files: a file stands for
 * itself, a folder for every *.yaml / *.yml below it (dot-folders, such as the state's
 * `.assistants`, and node_modules skipped). Files reached twice are read once. Which documents of
 * a file found in a folder are manifests is decided when they are read (see readManifests).
 * A folder search never leaves the folder: links to folders are not followed, and a link named
 * like a manifest is read only when it leads to a file inside the folder; one that leads outside
 * is an error naming the link, its target left unread and unnamed. A link to a folder outside is
 * an error too (a warning with `allowOutsideRoot`): the manifests behind it would silently not be
 * read, and a plan would then delete what they define. Problems come back as diagnostics, so that
 * every bad -f is reported in one run.
 *
 * The working folder is the trust anchor: an argument written inside it (and the default, the
 * working folder itself) must also lead inside it once links are followed, so that a pull request cannot
 * swap `stack` or `assistants.yaml` for a link to a file or folder elsewhere. It is resolved one
 * link at a time, confined to the real working folder, so nothing outside is even looked at; one
 * that leads outside is an error naming the argument as written. An argument written outside the
 * working folder (`../infra`, `/abs/stack`) is the user's own choice and is read wherever it leads,
 * as is every argument with `allowOutsideRoot`.
 */
export async function findManifestFiles(
  args: readonly string[],
  cwd: string,
  options: { allowOutsideRoot?: boolean } = {},
): Promise<{ files: ManifestFile[]; diagnostics: Diagnostic[]; skipped: Skipped[] }> {
  const given = args.length > 0 ? args : [DEFAULT_FOLDER];
  const files: ManifestFile[] = [];
  const diagnostics: Diagnostic[] = [];
  const skipped: Skipped[] = [];
  const seen = new Set<string>();

  const add = (real: string, root: string, shown: string, folder?: string) => {
    if (seen.has(real)) {
      // Named itself after a folder that holds it: it is read as a manifest whatever it holds.
      const earlier = files.find((file) => file.path === real);
      if (earlier && folder === undefined) delete earlier.folder;
      return;
    }
    seen.add(real);
    files.push({ path: real, root, displayPath: displayPathOf(shown, cwd), ...(folder ? { folder } : {}) });
  };

  const anchor = await workingFolder(cwd);
  for (const arg of given) {
    const absolute = path.resolve(cwd, arg);
    const notFound = () =>
      diagnostics.push({
        severity: 'error',
        code: 'MANIFEST_NOT_FOUND',
        message:
          args.length > 0 ? `manifest path "${arg}" does not exist` : 'the working folder does not exist',
        hint: 'pass a manifest file or folder with -f PATH',
      });
    const located = await locateArgument(absolute, anchor, options.allowOutsideRoot === true);
    if (located.kind === 'outside' || located.kind === 'loop') {
      diagnostics.push(
        located.kind === 'outside'
          ? {
              severity: 'error',
              code: 'PATH_OUTSIDE_ROOT',
              message: `manifest path "${arg}" is a link that leads outside the working folder; it was not read`,
              hint: 'a path inside the working folder must stay inside it after links are followed: pass the path the link leads to with -f if it is meant to be read, or --allow-outside-root',
            }
          : {
              severity: 'error',
              code: 'LINK_LOOP',
              message: `manifest path "${arg}" is a link that loops`,
              hint: 'fix or remove the link',
            },
      );
      continue;
    }
    if (located.kind === 'missing') {
      notFound();
      continue;
    }
    const info = await stat(located.real).catch(() => undefined);
    if (!info) {
      notFound();
      continue;
    }
    if (info.isDirectory()) {
      const root = located.real;
      const found = await searchFolder(
        root,
        arg,
        (rel) => displayPathOf(path.join(absolute, rel), cwd),
        options.allowOutsideRoot === true,
      );
      pushAll(diagnostics, found.diagnostics);
      pushAll(skipped, found.skipped);
      if (found.files.length === 0 && found.diagnostics.length === 0) {
        diagnostics.push(noManifestIn(arg, 0));
        continue;
      }
      for (const file of found.files) add(file.real, root, path.join(absolute, file.rel), arg);
    } else {
      // The root is the folder the file was named in; its links resolved (inside, when confined).
      const folder = await locateArgument(path.dirname(absolute), anchor, options.allowOutsideRoot === true);
      const root = folder.kind === 'found' ? folder.real : path.dirname(located.real);
      add(located.real, root, absolute);
    }
  }
  return { files, diagnostics, skipped };
}

/** The working folder as given, and as it really is (links resolved), to confine arguments to. */
interface WorkingFolder {
  given: string;
  resolver: PathResolver | undefined;
}

async function workingFolder(cwd: string): Promise<WorkingFolder> {
  const given = path.resolve(cwd);
  const real = await realpath(given).catch(() => undefined);
  return { given, resolver: real === undefined ? undefined : pathResolver(real, false) };
}

/**
 * Where an -f argument leads. One written inside the working folder is resolved confined to it
 * (unless `allowOutside`), so that a link there cannot lead the run anywhere else; any other is
 * resolved as the system resolves it.
 */
async function locateArgument(
  absolute: string,
  anchor: WorkingFolder,
  allowOutside: boolean,
): Promise<Resolution> {
  const { resolver } = anchor;
  if (allowOutside || !resolver || !isInside(anchor.given, absolute)) return resolveAnywhere(absolute);
  return resolver.resolve(path.join(resolver.root, path.relative(anchor.given, absolute)));
}

/**
 * Lists the manifests below `root` (a real path), in sorted order of their paths relative to it,
 * without leaving it. `arg` is the folder as the user gave it; `shown` displays a relative path.
 */
async function searchFolder(
  root: string,
  arg: string,
  shown: (rel: string) => string,
  allowOutsideRoot: boolean,
): Promise<{ files: { rel: string; real: string }[]; diagnostics: Diagnostic[]; skipped: Skipped[] }> {
  const resolver = pathResolver(root, false);
  const found: { rel: string; real: string }[] = [];
  const diagnostics: Diagnostic[] = [];
  const skipped: Skipped[] = [];
  const problem = (code: Diagnostic['code'], message: string, hint: string) =>
    diagnostics.push({ severity: 'error', code, message, hint });

  // A link (not named like a manifest) to a folder outside: its manifests are not read, so say so.
  const folderLink = async (child: string) => {
    const resolution = await resolver.resolve(path.join(root, child));
    if (resolution.kind !== 'outside') return; // inside: that folder is searched where it really is
    diagnostics.push({
      severity: allowOutsideRoot ? 'warning' : 'error',
      code: 'PATH_OUTSIDE_ROOT',
      message: `${shown(child)} is a link that leads outside the folder "${arg}"; manifests behind it are not read`,
      hint: 'a folder given with -f is searched only inside it: pass the folder the link leads to with its own -f if its manifests are meant to be read, or remove the link',
    });
  };

  // Only real folders are entered (links are not), so the walk is finite and stays inside root.
  const folders = [''];
  while (folders.length > 0) {
    const rel = folders.pop() as string;
    let entries: Dirent[];
    try {
      entries = await readdir(path.join(root, rel), { withFileTypes: true });
    } catch {
      continue; // unreadable folders were skipped before too; they hold nothing we can read
    }
    for (const entry of entries) {
      const child = rel === '' ? entry.name : path.join(rel, entry.name);
      if (entry.name.startsWith('.')) {
        // Said (for --debug) of what could hold YAML: folders, and files named like manifests.
        if (entry.isDirectory())
          skipped.push({ file: `${shown(child)}/`, reason: 'a hidden folder is not searched' });
        else if (MANIFEST_NAME.test(entry.name))
          skipped.push({ file: shown(child), reason: 'a hidden file is not read' });
        continue;
      }
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules') folders.push(child);
        else skipped.push({ file: `${shown(child)}/`, reason: 'node_modules is not searched' });
        continue;
      }
      if (!MANIFEST_NAME.test(entry.name)) {
        // Where it leads cannot be looked at (outside), so a link with no extension is taken for a
        // folder: `shared -> ../shared` must not silently hide the manifests in it.
        if (entry.isSymbolicLink() && path.extname(entry.name) === '') await folderLink(child);
        continue;
      }
      if (entry.isFile()) {
        found.push({ rel: child, real: path.join(root, child) });
        continue;
      }
      if (!entry.isSymbolicLink()) {
        problem(
          'MANIFEST_UNREADABLE',
          `manifest ${shown(child)} is not a regular file`,
          'a manifest must be a plain file',
        );
        continue;
      }
      const resolution = await resolver.resolve(path.join(root, child));
      if (resolution.kind === 'outside') {
        problem(
          'PATH_OUTSIDE_ROOT',
          `manifest ${shown(child)} is a link that leads outside the folder "${arg}"; it was not read`,
          `a folder given with -f is searched only inside it; pass the file with its own -f if it is meant to be read`,
        );
      } else if (resolution.kind === 'loop') {
        problem('LINK_LOOP', `manifest ${shown(child)} is a link that loops`, 'fix or remove the link');
      } else if (resolution.kind === 'missing') {
        problem(
          'MANIFEST_UNREADABLE',
          `manifest ${shown(child)} is a link to nothing (${resolution.code})`,
          'fix or remove the link',
        );
      } else {
        const target = await stat(resolution.real).catch(() => undefined);
        // A link to a folder is not followed: the folder is searched where it really is.
        if (target?.isDirectory()) continue;
        found.push({ rel: child, real: resolution.real });
      }
    }
  }
  // The same order as the sorted list of relative paths the search used to give.
  const sorted = found
    .map((file) => ({ file, key: toPosix(file.rel) }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map(({ file }) => file);
  return { files: sorted, diagnostics, skipped };
}
