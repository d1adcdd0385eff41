import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { glob } from 'tinyglobby';
import type { Diagnostic } from '../errors/index.js';

/** A manifest file to read, and the root that confines the paths it references. */
export interface ManifestFile {
  /** Absolute path of the manifest file, symlinks resolved (so that it compares with `root`). */
  path: string;
  /** Absolute real path of the manifest root: the folder given to -f, or the folder of the file given. */
  root: string;
  /** The path as shown to the user: relative to the working folder when inside it. */
  displayPath: string;
}

export const DEFAULT_MANIFEST = 'assistants.yaml';

/** Shows `absolute` relative to `cwd` when it lies inside it, else as is. */
export function displayPathOf(absolute: string, cwd: string): string {
  const rel = path.relative(cwd, absolute);
  return rel === '' || isUpward(rel) || path.isAbsolute(rel) ? absolute : rel;
}

/** True for a relative path that climbs out of its base: `..` or `../x` (not `..data.md`). */
export function isUpward(rel: string): boolean {
  return rel === '..' || rel.startsWith(`..${path.sep}`);
}

/**
 * Expands the -f arguments into manifest files: a file stands for itself, a folder for every
 * *.yaml / *.yml below it (dot-folders and node_modules skipped). Files reached twice are read once.
 * Problems come back as diagnostics, so that every bad -f is reported in one run.
 */
export async function findManifestFiles(
  args: readonly string[],
  cwd: string,
): Promise<{ files: ManifestFile[]; diagnostics: Diagnostic[] }> {
  const given = args.length > 0 ? args : [DEFAULT_MANIFEST];
  const files: ManifestFile[] = [];
  const diagnostics: Diagnostic[] = [];
  const seen = new Set<string>();

  const add = async (file: string, root: string) => {
    const real = await realpath(file);
    if (seen.has(real)) return;
    seen.add(real);
    files.push({ path: real, root, displayPath: displayPathOf(file, cwd) });
  };

  for (const arg of given) {
    const absolute = path.resolve(cwd, arg);
    const info = await stat(absolute).catch(() => undefined);
    if (!info) {
      diagnostics.push({
        severity: 'error',
        code: 'MANIFEST_NOT_FOUND',
        message:
          args.length > 0
            ? `manifest path "${arg}" does not exist`
            : `no ${DEFAULT_MANIFEST} in ${displayPathOf(cwd, cwd) || '.'}`,
        hint: 'pass a manifest file or folder with -f PATH',
      });
      continue;
    }
    if (info.isDirectory()) {
      const root = await realpath(absolute);
      const found = await glob(['**/*.yaml', '**/*.yml'], {
        cwd: absolute,
        ignore: ['**/node_modules/**'],
        dot: false,
        onlyFiles: true,
        expandDirectories: false,
      });
      if (found.length === 0) {
        diagnostics.push({
          severity: 'error',
          code: 'NO_MANIFESTS',
          message: `folder "${arg}" holds no *.yaml or *.yml manifest`,
        });
        continue;
      }
      for (const rel of found.sort()) await add(path.join(absolute, rel), root);
    } else {
      await add(absolute, await realpath(path.dirname(absolute)));
    }
  }
  return { files, diagnostics };
}
