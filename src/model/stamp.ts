/**
 * The ownership stamp: metadata that every managed assistant and vector store carries, naming the
 * state lineage and the resource address. It is how a later run (or `gc`) knows a resource is ours;
 * nothing unstamped and absent from state is ever deleted. It uses STAMP_KEYS.length of the API's
 * 16 metadata pairs, which validation subtracts from what users may set.
 */
export const STAMP_KEY_PREFIX = 'assistants_iac_';
export const STAMP_LINEAGE_KEY = `${STAMP_KEY_PREFIX}lineage`;
export const STAMP_ADDRESS_KEY = `${STAMP_KEY_PREFIX}address`;
export const STAMP_KEYS = [STAMP_LINEAGE_KEY, STAMP_ADDRESS_KEY] as const;

/** Whether metadata carries any part of a stamp. */
export function hasStamp(metadata: Readonly<Record<string, string>>): boolean {
  return STAMP_KEYS.some((key) => key in metadata);
}

/** Metadata with the stamp taken out, the user's keys kept. */
export function withoutStamp(metadata: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(metadata).filter(([key]) => !(STAMP_KEYS as readonly string[]).includes(key)),
  );
}
