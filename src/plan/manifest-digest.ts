import { createHash } from 'node:crypto';
import type { Desired } from '../model/desired.js';
import { skillHashKey } from '../model/skill-content.js';
import { withSortedKeys } from '../util/sorted-keys.js';

/**
 * A digest of what the manifests ask for: the desired model with every file's content hash, minus
 * what does not change the outcome (source positions, absolute paths, mtimes). Two checkouts of the
 * same commit digest the same; a saved plan whose manifests moved on is caught by comparing it.
 */
export function manifestDigest(desired: Desired, hashes: ReadonlyMap<string, string>): string {
  const model = {
    stack: desired.stack,
    files: desired.files.map((file) => ({
      name: file.name,
      path: file.relativePath,
      purpose: file.purpose,
      protect: file.protect,
      sha256: hashes.get(file.name) ?? null,
    })),
    vectorStores: desired.vectorStores.map(({ source: _s, ...store }) => store),
    memberships: desired.memberships.map(({ source: _s, ...member }) => member),
    assistants: desired.assistants.map(({ source: _s, instructionsFile: _i, ...assistant }) => assistant),
    agents: desired.agents.map(({ source: _s, instructionsFile: _i, ...agent }) => agent),
    // Left out when there are none, so that digests made before skills existed stay the same.
    ...(desired.skills.length
      ? {
          skills: desired.skills.map((skill) => ({
            name: skill.name,
            path: skill.relativePath,
            keep_versions: skill.keepVersions,
            protect: skill.protect,
            sha256: hashes.get(skillHashKey(skill.name)) ?? null,
          })),
        }
      : {}),
    // Left out when there are none, so that digests made before `moved:` existed stay the same.
    ...(desired.moves?.length ? { moves: desired.moves.map(({ from, to }) => ({ from, to })) } : {}),
  };
  return `sha256:${createHash('sha256').update(canonicalJson(model)).digest('hex')}`;
}

/** JSON with object keys sorted at every level, so equal values always give equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(withSortedKeys(value));
}
