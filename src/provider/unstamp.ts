import OpenAI from 'openai';
import { AssistantsError } from '../errors/index.js';
import type { StampedKind } from '../model/kinds.js';
import { hasStamp, withoutStamp } from '../model/stamp.js';
import type { ApiClient } from './api-client.js';
import { type ApiWriter, updateMetadata } from './api-writer.js';
import { retrieveResource } from './retrieve.js';

/**
 * What became of one stamp: `removed` (the resource now carries no stamp), `gone` (the API no longer
 * has it), or `kept` (it is not stamped as the caller's, so it was left exactly as it is).
 */
export type UnstampOutcome = 'removed' | 'gone' | 'kept';

/**
 * Takes the ownership stamp off a store or an assistant, and only when `owns` says the live stamp
 * is the caller's: what another state stamped is never changed. Metadata is written whole, the
 * user's keys kept; the result is read back, since a server that merged metadata instead of
 * replacing it would leave the stamp in place (then `kept`).
 */
export async function removeStamp(
  api: ApiClient,
  writer: Pick<ApiWriter, 'updateVectorStoreMetadata' | 'updateAssistantMetadata'>,
  kind: StampedKind,
  id: string,
  owns: (metadata: Record<string, string>) => boolean,
): Promise<UnstampOutcome> {
  const metadata = await liveMetadata(api, kind, id);
  if (metadata === undefined) return 'gone';
  if (!hasStamp(metadata)) return 'removed';
  if (!owns(metadata)) return 'kept';
  await updateMetadata(writer, kind, id, withoutStamp(metadata));
  const after = await liveMetadata(api, kind, id);
  return after === undefined || !hasStamp(after) ? 'removed' : 'kept';
}

/** The live metadata of a store or assistant; undefined when the API answers 404 for it. */
export async function liveMetadata(
  api: ApiClient,
  kind: StampedKind,
  id: string,
): Promise<Record<string, string> | undefined> {
  try {
    const found = await retrieveResource(api, kind, id);
    if (found.kind !== 'vector_store' && found.kind !== 'assistant') return undefined;
    return { ...found.live.attributes.metadata };
  } catch (err) {
    if (err instanceof AssistantsError && err.cause instanceof OpenAI.NotFoundError) return undefined;
    throw err;
  }
}
