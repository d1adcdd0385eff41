import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import path from 'node:path';

/** A commit id as CI variables and git give it: 7 to 64 hex digits. */
const COMMIT = /^[0-9a-f]{7,64}$/i;

/** How long `git rev-parse` may take before the plan goes on without a commit. */
const GIT_TIMEOUT_MS = 5_000;

/**
 * The commit the manifests were read at, short (7 digits), for the heading of a Markdown plan:
 * CI's own variable where one is set (`GITHUB_SHA`, `CI_COMMIT_SHA`), else `git rev-parse HEAD`
 * in the manifests' folder (the folder of the first `-f`, or the working folder). Undefined when
 * neither says: outside a git work tree, without git, or with git too slow. Never throws.
 */
export async function manifestCommit(
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
  files: readonly string[],
): Promise<string | undefined> {
  for (const name of ['GITHUB_SHA', 'CI_COMMIT_SHA']) {
    const value = env[name]?.trim();
    if (value && COMMIT.test(value)) return value.slice(0, 7).toLowerCase();
  }
  const folder = await manifestFolder(cwd, files[0]);
  const head = await new Promise<string | undefined>((resolve) => {
    execFile(
      'git',
      ['rev-parse', 'HEAD'],
      { cwd: folder, timeout: GIT_TIMEOUT_MS, env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } },
      (err, stdout) => resolve(err ? undefined : String(stdout).trim()),
    );
  });
  return head && COMMIT.test(head) ? head.slice(0, 7).toLowerCase() : undefined;
}

async function manifestFolder(cwd: string, file: string | undefined): Promise<string> {
  if (file === undefined) return cwd;
  const resolved = path.resolve(cwd, file);
  try {
    return (await stat(resolved)).isDirectory() ? resolved : path.dirname(resolved);
  } catch {
    return cwd;
  }
}
