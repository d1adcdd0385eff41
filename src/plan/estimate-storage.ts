import { type Address, fileAddress, parseAddress } from '../model/address.js';
import type { Desired } from '../model/desired.js';
import type { LiveView } from '../model/live.js';
import { type Change, isReplace } from '../model/plan.js';
import {
  type StorageCost,
  type StoragePrices,
  type StoreStorage,
  storageCost,
} from '../model/storage-cost.js';
import type { StateResource } from '../state/state-document.js';

export interface StorageInput {
  /** The plan's changes (in scope). */
  changes: readonly Change[];
  desired: Desired;
  resources: Record<Address, StateResource>;
  /** Undefined with --refresh=false: the usage of stores that exist is then unknown. */
  live: LiveView | undefined;
  prices: StoragePrices;
}

/**
 * The storage of each managed vector store in scope, now (the API's `usage_bytes`) and after apply
 * (estimated from the byte sizes of the files the plan attaches and detaches), priced per GB-day.
 * A store to be made starts at 0; a replaced one is made anew, holding what the plan attaches to
 * it; a deleted one ends at 0. Pure.
 */
export function estimateStorage(input: StorageInput): StorageCost {
  const { changes, prices } = input;
  const members = new Map<string, Change[]>();
  for (const change of changes) {
    if (change.kind !== 'vector_store_file') continue;
    const store = parseAddress(change.address)?.store ?? '';
    const list = members.get(store);
    if (list) list.push(change);
    else members.set(store, [change]);
  }
  const sizes = fileSizes(input);
  const stores = changes
    .filter((change) => change.kind === 'vector_store')
    .map((store) =>
      storeStorage(store, members.get(parseAddress(store.address)?.name ?? '') ?? [], input, sizes),
    );
  return storageCost(stores, { ...prices });
}

interface FileSizes {
  /** Bytes of the file a membership attaches (the manifests' file), if known. */
  after(member: Change): number | undefined;
  /** Bytes of the file a membership attached until now (the state's file), if known. */
  before(member: Change): number | undefined;
}

function fileSizes({ desired, resources, live }: StorageInput): FileSizes {
  const wanted = new Map(desired.files.map((file) => [file.name, file.bytes]));
  const fileName = (member: Change) => parseAddress(member.address)?.file ?? '';
  // A file attached by id is not the stack's: its size is known only if the refresh read it.
  const liveBytes = (id: unknown) =>
    typeof id === 'string' ? live?.files.get(id)?.attributes.bytes : undefined;
  return {
    after: (member) =>
      wanted.get(fileName(member)) ?? liveBytes((member.after as { file_id?: unknown } | null)?.file_id),
    before: (member) => {
      const recorded = resources[fileAddress(fileName(member))];
      if (recorded?.kind === 'file') return recorded.attributes.bytes;
      return liveBytes((member.before as { file_id?: unknown } | null)?.file_id);
    },
  };
}

function storeStorage(store: Change, members: readonly Change[], input: StorageInput, sizes: FileSizes) {
  const made = store.action === 'create' || isReplace(store.action);
  let attachedBytes = 0;
  let detachedBytes = 0;
  let unsizedFiles = 0;
  const add = (bytes: number | undefined, to: 'attached' | 'detached') => {
    if (bytes === undefined) unsizedFiles += 1;
    else if (to === 'attached') attachedBytes += bytes;
    else detachedBytes += bytes;
  };
  if (store.action !== 'delete') {
    for (const member of members) {
      if (member.action === 'delete') {
        if (!made) add(sizes.before(member), 'detached');
        continue;
      }
      // A store made (anew) gets every member; a store that stays only the new and replaced ones.
      if (!made && member.action !== 'create' && !isReplace(member.action)) continue;
      add(sizes.after(member), 'attached');
      // A member that failed to index held nothing: re-attaching it takes nothing away first.
      if (!made && isReplace(member.action) && member.reason !== 'index_failed')
        add(sizes.before(member), 'detached');
    }
  }
  const usageBytes = usageNow(store, input.live);
  const estimatedBytes =
    store.action === 'delete'
      ? 0
      : made
        ? attachedBytes
        : usageBytes === null
          ? null
          : Math.max(0, usageBytes + attachedBytes - detachedBytes);
  return {
    address: store.address,
    id: store.id,
    action: store.action,
    usageBytes,
    estimatedBytes,
    attachedBytes,
    detachedBytes,
    unsizedFiles,
  } satisfies StoreStorage;
}

/** What the store holds now: nothing when it is yet to be made, unknown without a refresh. */
function usageNow(store: Change, live: LiveView | undefined): number | null {
  if (store.action === 'create' || store.id === null) return 0;
  if (!live) return null;
  return live.vectorStores.get(store.id)?.usageBytes ?? 0;
}
