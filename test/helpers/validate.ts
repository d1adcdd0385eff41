import { expect } from 'vitest';
import type { Diagnostic } from '../../src/errors/index.js';
import { type ValidationResult, validateManifests } from '../../src/manifest/validate.js';
import { type FileSpec, workspace } from './workspace.js';

export interface CheckOptions {
  env?: Record<string, string>;
  allowOutsideRoot?: boolean;
  /**
   * -f arguments; default: assistants.yaml, named itself (the one manifest `check` writes; without
   * -f the whole workspace would be searched).
   */
  args?: string[];
}

/** Validates `manifest` (written as assistants.yaml) next to `files`, from inside the workspace. */
export async function check(
  manifest: string,
  files: Record<string, FileSpec> = {},
  options: CheckOptions = {},
): Promise<ValidationResult & { dir: string }> {
  const dir = await workspace({ 'assistants.yaml': manifest, ...files });
  const result = await validateManifests(options.args ?? ['assistants.yaml'], {
    cwd: dir,
    env: options.env ?? {},
    allowOutsideRoot: options.allowOutsideRoot,
  });
  return { ...result, dir };
}

/** `FILE:LINE:COL CODE message`, the parts of a diagnostic tests assert on. */
export function brief(d: Diagnostic): string {
  const l = d.location;
  return `${l ? `${l.file}:${l.line}:${l.column} ` : ''}${d.code} ${d.message}`;
}

/** Asserts that the result has exactly one error and returns it. */
export function onlyError(result: ValidationResult): Diagnostic {
  expect(result.errors.map(brief)).toHaveLength(1);
  return result.errors[0] as Diagnostic;
}
