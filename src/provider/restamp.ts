import type { Address } from '../model/address.js';
import type { StampedKind } from '../model/kinds.js';
import { STAMP_ADDRESS_KEY } from '../model/stamp.js';
import type { ApiClient } from './api-client.js';
import { type ApiWriter, updateMetadata } from './api-writer.js';
import { liveMetadata } from './unstamp.js';

/**
 * What became of a moved resource's stamp: `restamped` (it now names the new address; `metadata`
 * is what it carries), `gone` (the API no longer has it), or `kept` (its stamp is not the caller's,
 * so it was left exactly as it is).
 */
export type RestampOutcome =
  | { outcome: 'restamped'; metadata: Record<string, string> }
  | { outcome: 'gone' | 'kept' };

/**
 * Writes a moved store's or assistant's ownership stamp anew, naming `address`, and only when
 * `owns` says the live stamp is the caller's: what another state stamped is never changed. Metadata
 * is written whole, the user's keys kept, and read back (a server that merged metadata instead of
 * replacing it is reported by what it then holds).
 */
export async function restamp(
  api: ApiClient,
  writer: Pick<ApiWriter, 'updateVectorStoreMetadata' | 'updateAssistantMetadata'>,
  kind: StampedKind,
  id: string,
  owns: (metadata: Record<string, string>) => boolean,
  address: Address,
): Promise<RestampOutcome> {
  const metadata = await liveMetadata(api, kind, id);
  if (metadata === undefined) return { outcome: 'gone' };
  if (!owns(metadata)) return { outcome: 'kept' };
  await updateMetadata(writer, kind, id, { ...metadata, [STAMP_ADDRESS_KEY]: address });
  const after = await liveMetadata(api, kind, id);
  if (after === undefined) return { outcome: 'gone' };
  return after[STAMP_ADDRESS_KEY] === address
    ? { outcome: 'restamped', metadata: after }
    : { outcome: 'kept' };
}
