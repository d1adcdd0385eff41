import { AssistantsError } from '../errors/index.js';

/**
 * Resource addresses (fixed by the design): `file.NAME`, `vector_store.NAME`, `assistant.NAME`, and
 * `vector_store_file.STORE/FILE` for membership. Store names never contain `/`, so the first `/`
 * of a membership address separates the store from the file, whose name may hold more slashes
 * (glob members are named by their path).
 */
export type ResourceKind = 'file' | 'vector_store' | 'vector_store_file' | 'assistant';

/**
 * The end of every `switch` over a resource kind: with all kinds handled, `kind` is `never` here,
 * so a kind added to ResourceKind and not handled is a type error, not a silent fallthrough.
 */
export function unhandledKind(value: never): never {
  const kind = typeof value === 'object' && value !== null ? (value as { kind?: unknown }).kind : value;
  throw new AssistantsError('INTERNAL', `no handling for resource kind ${String(kind)}`);
}

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

export function membershipAddress(store: string, file: string): Address {
  return `vector_store_file.${store}/${file}`;
}

export interface ParsedAddress {
  kind: ResourceKind;
  name: string;
  /** For `vector_store_file` only: the store and the file name. */
  store?: string;
  file?: string;
}

const KINDS: readonly ResourceKind[] = ['vector_store_file', 'vector_store', 'assistant', 'file'];

/** Parses an address; returns undefined when it is not one of the four forms. */
export function parseAddress(address: string): ParsedAddress | undefined {
  for (const kind of KINDS) {
    const prefix = `${kind}.`;
    if (!address.startsWith(prefix)) continue;
    const name = address.slice(prefix.length);
    if (name.length === 0) return undefined;
    if (kind !== 'vector_store_file') return { kind, name };
    const slash = name.indexOf('/');
    if (slash <= 0 || slash === name.length - 1) return undefined;
    return { kind, name, store: name.slice(0, slash), file: name.slice(slash + 1) };
  }
  return undefined;
}
