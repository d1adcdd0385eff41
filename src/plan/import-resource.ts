import { AssistantsError } from '../errors/index.js';
import type { Address, ParsedAddress } from '../model/address.js';
import type { Desired } from '../model/desired.js';
import type { LiveResource } from '../model/live.js';
import type { StateDocument } from '../state/state-document.js';
import { planKindOf } from './kinds/registry.js';
import type { Imported } from './kinds/wanted.js';
import { stampOf } from './stamps.js';

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
  const stamp = stampOf('metadata' in found.live.attributes ? found.live.attributes.metadata : undefined);
  const owner = stamp?.lineage;
  if (owner && owner !== state.lineage && !force) {
    throw new AssistantsError(
      'OWNED_ELSEWHERE',
      `${found.live.id} belongs to another state: lineage ${owner}, address ${stamp.address ?? '(none)'}`,
      {
        hint: 'import it into that stack instead, or pass --force to take it over (its stamp is rewritten at the next apply)',
      },
    );
  }
  return planKindOf(found.kind).imported(parsed.address, found.live, desired, hashes);
}
