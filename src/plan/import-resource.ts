import path from 'node:path';
import { AssistantsError } from '../errors/index.js';
import type { Address, ParsedAddress } from '../model/address.js';
import type { Desired } from '../model/desired.js';
import type { LiveResource } from '../model/live.js';
import { STAMP_ADDRESS_KEY, STAMP_LINEAGE_KEY } from '../model/stamp.js';
import type { StateDocument, StateResource } from '../state/state-document.js';
import { assistantDependencies } from './kinds/assistant.js';
import { desiredFileAttributes } from './kinds/file.js';
import { membershipDependencies } from './kinds/vector-store-file.js';

/** A sha256 that no content has: recorded for an imported file whose bytes are not the local file's. */
export const UNKNOWN_SHA256 = '0'.repeat(64);

export interface Imported {
  resource: StateResource;
  /** What the user should know (the next plan will replace it, and why). */
  notes: string[];
}

/**
 * The state entry for an existing resource taken under `address` (pure). It records what the API
 * reports, so the next plan shows the difference between the manifests and the live resource (and
 * apply stamps it). A file is taken with the local file's hash only when its name and size match;
 * otherwise the plan replaces it, and the note says why. A resource stamped by another state is
 * refused unless `force`.
 */
export function importResource(
  parsed: ParsedAddress & { address: Address },
  found: LiveResource,
  desired: Desired,
  hashes: ReadonlyMap<string, string>,
  state: StateDocument,
  force: boolean,
): Imported {
  const metadata =
    'metadata' in found.live.attributes ? (found.live.attributes.metadata as Record<string, string>) : {};
  const owner = metadata[STAMP_LINEAGE_KEY];
  if (owner && owner !== state.lineage && !force) {
    throw new AssistantsError(
      'OWNED_ELSEWHERE',
      `${found.live.id} belongs to another state: lineage ${owner}, address ${metadata[STAMP_ADDRESS_KEY] ?? '(none)'}`,
      {
        hint: 'import it into that stack instead, or pass --force to take it over (its stamp is rewritten at the next apply)',
      },
    );
  }
  const id = found.live.id;
  switch (found.kind) {
    case 'file': {
      const file = desired.files.find((f) => f.address === parsed.address);
      if (!file) throw notDeclared(parsed.address);
      const local = desiredFileAttributes(file, hashes.get(file.name) ?? UNKNOWN_SHA256);
      const live = found.live.attributes;
      const same = live.filename === path.posix.basename(file.relativePath) && live.bytes === file.bytes;
      const notes = same
        ? []
        : [
            `${id} is "${live.filename}", ${live.bytes} bytes; ${file.relativePath} is ${file.bytes} bytes: the next plan replaces it with the local file`,
          ];
      const attributes = same
        ? local
        : {
            ...local,
            filename: live.filename,
            purpose: live.purpose,
            bytes: live.bytes,
            sha256: UNKNOWN_SHA256,
          };
      return {
        resource: {
          kind: 'file',
          id,
          attributes,
          dependencies: [],
          protect: file.protect,
          created_at: found.live.createdAt,
        },
        notes,
      };
    }
    case 'vector_store': {
      const store = desired.vectorStores.find((s) => s.address === parsed.address);
      if (!store) throw notDeclared(parsed.address);
      return {
        resource: {
          kind: 'vector_store',
          id,
          attributes: found.live.attributes,
          dependencies: [],
          protect: store.protect,
        },
        notes: [],
      };
    }
    case 'vector_store_file': {
      const member = desired.memberships.find((m) => m.address === parsed.address);
      if (!member) throw notDeclared(parsed.address);
      return {
        resource: {
          kind: 'vector_store_file',
          id,
          attributes: found.live.attributes,
          dependencies: membershipDependencies(member),
          protect: false,
        },
        notes: [],
      };
    }
    case 'assistant': {
      const assistant = desired.assistants.find((a) => a.address === parsed.address);
      if (!assistant) throw notDeclared(parsed.address);
      return {
        resource: {
          kind: 'assistant',
          id,
          attributes: { ...found.live.attributes, reasoning_effort: null },
          dependencies: assistantDependencies(assistant),
          protect: assistant.protect,
        },
        notes: [],
      };
    }
  }
}

function notDeclared(address: Address): AssistantsError {
  return new AssistantsError('UNDEFINED_REFERENCE', `the manifests do not define ${address}`, {
    hint: 'add it to the manifests first: import takes an existing resource under an address they define',
  });
}
