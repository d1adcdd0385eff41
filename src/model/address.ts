import { KINDS, KINDS_IN_ORDER, type ResourceKind } from './kinds.js';

/**
 * Resource addresses (fixed by the design): `KIND.NAME`, and `KIND.PARENT/NAME` for a kind nested in
 * another (`vector_store_file.STORE/FILE` for membership; see KINDS). Parent names never contain
 * `/`, so the first `/` separates the parent from the name, which may hold more slashes (glob
 * members are named by their path).
 */
export type Address = string;

export function fileAddress(name: string): Address {
  return `file.${name}`;
}

export function vectorStoreAddress(name: string): Address {
  return `vector_store.${name}`;
}

export function assistantAddress(name: string): Address {
  return `assistant.${name}`;
}

export function skillAddress(name: string): Address {
  return `skill.${name}`;
}

export function agentAddress(name: string): Address {
  return `agent.${name}`;
}

export function membershipAddress(store: string, file: string): Address {
  return `vector_store_file.${store}/${file}`;
}

export interface ParsedAddress {
  kind: ResourceKind;
  name: string;
  /** For a nested kind (`vector_store_file`) only: the parent store's name and the file's. */
  store?: string;
  file?: string;
}

/** Longest kind first, so that `vector_store_file.` is not read as `vector_store.` with a name. */
const BY_PREFIX_LENGTH: readonly ResourceKind[] = [...KINDS_IN_ORDER].sort((a, b) => b.length - a.length);

/** Parses an address; returns undefined when it is not one of the kinds' forms (see ADDRESS_FORMS). */
export function parseAddress(address: string): ParsedAddress | undefined {
  for (const kind of BY_PREFIX_LENGTH) {
    const prefix = `${kind}.`;
    if (!address.startsWith(prefix)) continue;
    const name = address.slice(prefix.length);
    if (name.length === 0) return undefined;
    if (!('parent' in KINDS[kind])) return { kind, name };
    const slash = name.indexOf('/');
    if (slash <= 0 || slash === name.length - 1) return undefined;
    return { kind, name, store: name.slice(0, slash), file: name.slice(slash + 1) };
  }
  return undefined;
}
