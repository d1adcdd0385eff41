import { AssistantsError } from '../errors/index.js';
import type { Address, ParsedAddress } from '../model/address.js';
import type { Desired } from '../model/desired.js';
import type { LiveResource } from '../model/live.js';
import { STAMP_ADDRESS_KEY, STAMP_LINEAGE_KEY } from '../model/stamp.js';
import type { StateDocument } from '../state/state-document.js';
import { planKindOf } from './kinds/registry.js';
import type { Imported } from './kinds/wanted.js';

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
  return planKindOf(found.kind).imported(parsed.address, found.live, desired, hashes);
}
