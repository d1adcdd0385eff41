import path from 'node:path';
import type { FileAttributes, Unknown } from '../../model/attributes.js';
import { UNKNOWN } from '../../model/attributes.js';
import type { DesiredFile } from '../../model/desired.js';
import { overlaid } from '../observation.js';
import { fileProblem } from '../stamps.js';
import {
  type Decision,
  declaredAt,
  NO_OP,
  type PlanKind,
  UNKNOWN_SHA256,
  type WantedOf,
  wantedEntry,
} from './wanted.js';

/** Files for the planner: attributes from the manifest and the hash step, and what a change costs. */

/**
 * `sha256` comes from the hash step (the planner reads no file), or is UNKNOWN for a file that step
 * did not read (one the state lacks: apply hashes it as it uploads it).
 */
export function desiredFileAttributes(file: DesiredFile, sha256: string | Unknown): FileAttributes {
  return {
    path: file.relativePath,
    filename: path.posix.basename(file.relativePath),
    purpose: file.purpose,
    bytes: file.bytes,
    sha256,
  };
}

/** What a file cannot change in place besides its bytes. */
const FILE_FORCED = ['filename', 'purpose'];

/**
 * Files are immutable: new bytes, another purpose or another name means a new upload, made before
 * the old one goes so that stores and assistants never point at nothing. A file moved to another
 * folder with the same name and bytes needs no call: it is no change (the state records the new
 * path at the next apply).
 */
function decideFile(changed: readonly string[]): Decision {
  if (changed.includes('sha256'))
    return { action: 'create-delete', reason: 'content_changed', replacePaths: ['sha256'] };
  const forced = FILE_FORCED.filter((key) => changed.includes(key));
  if (forced.length > 0) return { action: 'create-delete', reason: 'cannot_update', replacePaths: forced };
  return NO_OP;
}

const wantedFiles: WantedOf = ({ desired, hashes }) =>
  desired.files.map((file) => {
    const after = desiredFileAttributes(file, hashes.get(file.name) ?? UNKNOWN);
    return wantedEntry(file, 'file', [], after, (_before, changed) => decideFile(changed));
  });

export const FILE_PLAN: PlanKind<'file'> = {
  /**
   * Taken with the local file's hash only when its name and size match; otherwise the plan
   * replaces it, and the note says why.
   */
  imported(address, live, desired, hashes) {
    const file = declaredAt(desired.files, address);
    const local = desiredFileAttributes(file, hashes.get(file.name) ?? UNKNOWN_SHA256);
    const { filename, purpose, bytes } = live.attributes;
    const same = filename === path.posix.basename(file.relativePath) && bytes === file.bytes;
    const notes = same
      ? []
      : [
          `${live.id} is "${filename}", ${bytes} bytes; ${file.relativePath} is ${file.bytes} bytes: the next plan replaces it with the local file`,
        ];
    const attributes = same ? local : { ...local, filename, purpose, bytes, sha256: UNKNOWN_SHA256 };
    const resource = {
      kind: 'file' as const,
      id: live.id,
      attributes,
      dependencies: [],
      protect: file.protect,
      created_at: live.createdAt,
    };
    return { resource, notes };
  },
  wanted: wantedFiles,
  observe: (resource, live) => overlaid(resource, live.files.get(resource.id)?.attributes),
  // Files carry no stamp: name, size and creation time tell the file this stack uploaded.
  ownership(_address, resource, _state, view) {
    const found = view.files.get(resource.id);
    return found ? fileProblem({ ...resource.attributes, createdAt: resource.created_at }, found) : undefined;
  },
};
