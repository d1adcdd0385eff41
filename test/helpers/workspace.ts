import { mkdir, mkdtemp, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { onTestFinished } from 'vitest';

/** A file to create: text, a symlink to a target, or a sparse file of a given size. */
export type FileSpec = string | { symlink: string } | { sparseBytes: number } | { dir: true };

/**
 * Creates a temporary folder holding `files` (paths relative to it) and removes it when the
 * current test ends. Returns the folder's absolute path.
 */
export async function workspace(files: Record<string, FileSpec>): Promise<string> {
  const { dir, remove } = await createWorkspace(files);
  onTestFinished(remove);
  return dir;
}

/** Like workspace(), for hooks: the caller removes the folder. */
export async function createWorkspace(
  files: Record<string, FileSpec>,
): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'assistants-iac-test-'));
  const remove = () => rm(dir, { recursive: true, force: true });
  for (const [rel, spec] of Object.entries(files)) {
    const target = path.join(dir, rel);
    await mkdir(path.dirname(target), { recursive: true });
    if (typeof spec === 'string') await writeFile(target, spec);
    else if ('symlink' in spec) await symlink(spec.symlink, target);
    else if ('dir' in spec) await mkdir(target, { recursive: true });
    else {
      await writeFile(target, '');
      await truncate(target, spec.sparseBytes);
    }
  }
  return { dir, remove };
}

/** Strips the common indentation of a template literal, so manifests can be written indented in tests. */
export function yaml(strings: TemplateStringsArray, ...values: unknown[]): string {
  const text = strings.reduce((out, s, i) => out + s + (i < values.length ? String(values[i]) : ''), '');
  const lines = text.replace(/^\n/, '').split('\n');
  const indents = lines.filter((l) => l.trim() !== '').map((l) => /^ */.exec(l)?.[0].length ?? 0);
  const cut = Math.min(...indents);
  return `${lines
    .map((l) => l.slice(cut))
    .join('\n')
    .trimEnd()}\n`;
}
