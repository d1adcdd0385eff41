import { parseAddress } from '../model/address.js';
import { REPORTED_ATTRIBUTES, UNKNOWN_SHA256 } from '../model/attributes.js';
import type { Drift } from '../model/plan.js';
import type { StateDocument, StateResource } from './state-document.js';

/**
 * `apply --refresh-only`: the changes made outside assistants-iac become the state's (in place, as
 * the recorder's `mutate` wants: each resource replaced, not edited). A resource changed outside
 * takes the values the API reports (only those: a file's path and hash, an assistant's
 * reasoning_effort stay as recorded); one deleted outside leaves the state, a store with its
 * memberships (the journal is settled before any plan, so no entry names them). Drift of an id
 * the state no longer holds at that address is skipped. Returns the addresses written.
 */
export function acceptDrift(doc: StateDocument, drift: readonly Drift[]): string[] {
  const written: string[] = [];
  const removedStores = new Set<string>();
  for (const entry of drift) {
    const resource = doc.resources[entry.address];
    if (resource?.id !== entry.id) continue;
    written.push(entry.address);
    if (entry.action === 'delete' || entry.after === null) {
      delete doc.resources[entry.address];
      if (resource.kind === 'vector_store') removedStores.add(parseAddress(entry.address)?.name ?? '');
      continue;
    }
    const reported = Object.fromEntries(
      REPORTED_ATTRIBUTES[resource.kind]
        .filter((key) => key in (entry.after as object))
        .map((key) => [key, (entry.after as Record<string, unknown>)[key]]),
    );
    // A skill whose default moved now runs content this state never hashed: its hash is no longer
    // the folder's, so the next plan uploads the folder as a new version.
    const unhashed =
      resource.kind === 'skill' && reported.default_version !== resource.attributes.default_version
        ? { sha256: UNKNOWN_SHA256 }
        : {};
    doc.resources[entry.address] = {
      ...resource,
      attributes: { ...resource.attributes, ...reported, ...unhashed },
    } as StateResource;
  }
  for (const address of Object.keys(doc.resources)) {
    const parsed = parseAddress(address);
    if (parsed?.kind === 'vector_store_file' && removedStores.has(parsed.store as string)) {
      delete doc.resources[address];
      written.push(address);
    }
  }
  return written;
}
