import type { ApplyEvent, PhaseTotal } from '../apply/events.js';
import { type Address, parseAddress, vectorStoreAddress } from '../model/address.js';
import { KINDS, KINDS_IN_DELETE_ORDER, KINDS_IN_ORDER, type ResourceKind } from '../model/kinds.js';
import type { Action } from '../model/plan.js';
import { actionWords, count, failureText, phaseWords } from './apply-words.js';

type Half = 'create' | 'delete';

/** Files of a store (or of all stores) as the indexing counts report them. */
interface IndexCounts {
  completed: number;
  failed: number;
  total: number;
}

/** One call that failed, or one file that failed to index, worded for people. */
interface Failure {
  address: Address;
  text: string;
}

/**
 * The progress of a group of calls: a phase (one kind in one half of apply), or, inside the phase
 * that attaches files, one store's attachments (`store` set, `parent` its phase). A phase's counts
 * include those of its stores. `total` is what the plan asked for (undefined when apply-start did
 * not say); more calls than that may come (old halves an earlier run left), never shown as more
 * done than seen.
 */
export class Group {
  total: number | undefined;
  readonly actions = new Set<Action>();
  done = 0;
  failed = 0;
  /** Calls started and not yet ended, oldest first, with their action. */
  readonly inFlight = new Map<Address, Action>();
  readonly failures: Failure[] = [];
  readonly stores = new Map<Address, Group>();
  /** Indexing counts of finished batches, and of the batch being polled. */
  private indexed: IndexCounts | undefined;
  private indexing: IndexCounts | undefined;
  /** For the phase that attaches files: the number of stores the plan attaches to. */
  plannedStores = 0;
  closedAt: number | undefined;

  /** Not closed yet. */
  get open(): boolean {
    return this.closedAt === undefined;
  }

  constructor(
    readonly kind: ResourceKind,
    readonly half: Half,
    readonly openedAt: number,
    readonly store?: Address,
    readonly parent?: Group,
  ) {}

  /** `files`, or the store's address. */
  get label(): string {
    return this.store ?? KINDS[this.kind].phaseNoun;
  }

  /** The total shown: the plan's, or more when more calls came. */
  get shownTotal(): number | undefined {
    if (this.total === undefined) return undefined;
    return Math.max(this.total, this.done + this.failed + this.inFlight.size);
  }

  /** True once every planned call ended. */
  get complete(): boolean {
    return this.total !== undefined && this.inFlight.size === 0 && this.done + this.failed >= this.total;
  }

  /** Indexing counts so far (summed over stores for a phase); `running` while a batch is polled. */
  indexCounts(): { counts: IndexCounts; running: boolean } | undefined {
    const parts =
      this.stores.size > 0
        ? [...this.stores.values()].map((store) => store.indexCounts())
        : [this.ownIndexCounts()];
    const shown = parts.filter((part) => part !== undefined);
    if (shown.length === 0) return undefined;
    return {
      counts: sum(shown.map((part) => part.counts)),
      running: shown.some((part) => part.running),
    };
  }

  setIndexing(counts: IndexCounts, final: boolean): void {
    if (final) {
      this.indexed = sum([this.indexed, counts]);
      this.indexing = undefined;
    } else this.indexing = counts;
  }

  private ownIndexCounts(): { counts: IndexCounts; running: boolean } | undefined {
    if (!this.indexed && !this.indexing) return undefined;
    return { counts: sum([this.indexed, this.indexing]), running: this.indexing !== undefined };
  }
}

function sum(parts: (IndexCounts | undefined)[]): IndexCounts {
  const total = { completed: 0, failed: 0, total: 0 };
  for (const part of parts) {
    if (!part) continue;
    total.completed += part.completed;
    total.failed += part.failed;
    total.total += part.total;
  }
  return total;
}

/** What a renderer may want to say about an event: groups opened and closed, failures, movement. */
export type PhaseNote =
  | { type: 'opened'; group: Group }
  | { type: 'closed'; group: Group }
  | { type: 'failed'; group: Group; failure: Failure }
  | { type: 'moved'; group: Group };

/** The order apply runs its phases in (see executePlan); gc runs the delete half's order. */
const ORDER = [
  ...KINDS_IN_ORDER.map((kind) => `create:${kind}`),
  ...KINDS_IN_DELETE_ORDER.map((kind) => `delete:${kind}`),
];

/**
 * Folds apply's events into phases (see Group), for both progress views. Apply runs its phases one
 * after another, so an event of a later phase closes the earlier ones still open; a phase also
 * closes once all its planned calls ended, and every group closes on `closeAll`. Events of a phase
 * that closed already (old attachments removed with their file) are counted, not reopened. A
 * member that failed to index is counted once, not again for the resource-failed that follows.
 */
export class PhaseTracker {
  private readonly phases = new Map<string, Group>();
  private readonly totals = new Map<string, PhaseTotal[]>();
  private readonly halves = new Map<Address, Half>();
  private readonly indexFailed = new Set<Address>();

  constructor(private readonly now: () => number) {}

  /** Every phase seen, in the order they opened. */
  list(): Group[] {
    return [...this.phases.values()];
  }

  take(event: ApplyEvent): PhaseNote[] {
    const notes: PhaseNote[] = [];
    switch (event.type) {
      case 'apply-start':
        for (const total of event.phases ?? []) {
          const key = `${total.phase}:${total.kind}`;
          this.totals.set(key, [...(this.totals.get(key) ?? []), total]);
        }
        break;
      case 'resource-start': {
        this.halves.set(event.address, event.phase);
        for (const group of this.enter(event.kind, event.phase, event.address, notes)) {
          group.actions.add(event.action);
          group.inFlight.set(event.address, event.action);
        }
        break;
      }
      case 'resource-done': {
        this.halves.delete(event.address);
        for (const group of this.enter(event.kind, event.phase, event.address, notes)) {
          group.actions.add(event.action);
          group.inFlight.delete(event.address);
          group.done += 1;
        }
        break;
      }
      case 'resource-failed': {
        const started = this.halves.get(event.address);
        this.halves.delete(event.address);
        if (this.indexFailed.delete(event.address)) return [];
        const { verb } = actionWords(event.action, started);
        const text = failureText(verb, event.error.code, event.error.message);
        this.fail(this.enter(event.kind, started ?? 'create', event.address, notes), event, text, notes);
        break;
      }
      case 'file-failed': {
        this.indexFailed.add(event.file);
        const groups = this.enter('vector_store_file', 'create', event.file, notes, event.store);
        this.fail(groups, { address: event.file }, failureText('index', event.code, event.message), notes);
        break;
      }
      case 'indexing':
      case 'indexing-done': {
        const groups = this.enter('vector_store_file', 'create', event.address, notes, event.address);
        groups.at(-1)?.setIndexing(event, event.type === 'indexing-done');
        break;
      }
      default:
        return [];
    }
    return this.closeComplete(notes);
  }

  /** Closes every group still open (apply ended, or it threw). */
  closeAll(): PhaseNote[] {
    const notes: PhaseNote[] = [];
    for (const phase of this.phases.values()) this.close(phase, notes);
    return notes;
  }

  /**
   * The groups an event of `address` counts in: its phase, and for attachments made in the create
   * half its store's group too (last). Opens them as needed, closing earlier phases.
   */
  private enter(kind: ResourceKind, half: Half, address: Address, notes: PhaseNote[], store?: Address) {
    const key = `${half}:${kind}`;
    let phase = this.phases.get(key);
    if (!phase) {
      const order = ORDER.indexOf(key);
      for (const [other, open] of this.phases) if (ORDER.indexOf(other) < order) this.close(open, notes);
      phase = new Group(kind, half, this.now());
      plan(phase, this.totals.get(key));
      this.phases.set(key, phase);
      notes.push({ type: 'opened', group: phase });
    }
    notes.push({ type: 'moved', group: phase });
    if (kind !== 'vector_store_file' || half !== 'create') return [phase];
    const storeAt = store ?? storeOf(address);
    if (!storeAt) return [phase];
    let group = phase.stores.get(storeAt);
    if (!group) {
      group = new Group(kind, half, this.now(), storeAt, phase);
      plan(
        group,
        this.totals.get(key)?.filter((total) => total.store === storeAt),
      );
      phase.stores.set(storeAt, group);
      notes.push({ type: 'opened', group });
    }
    notes.push({ type: 'moved', group });
    return [phase, group];
  }

  private fail(groups: Group[], event: { address: Address }, text: string, notes: PhaseNote[]): void {
    const failure = { address: event.address, text };
    for (const group of groups) {
      group.inFlight.delete(event.address);
      group.failed += 1;
      group.failures.push(failure);
    }
    const last = groups.at(-1);
    if (last) notes.push({ type: 'failed', group: last, failure });
  }

  /** Closes the groups the notes touched that have now seen all their calls end. */
  private closeComplete(notes: PhaseNote[]): PhaseNote[] {
    const touched = new Set(notes.filter((note) => note.type === 'moved').map((note) => note.group));
    // Stores before their phase, so that a phase's closing line follows those of its stores.
    for (const group of [...touched].sort((a, b) => Number(Boolean(b.store)) - Number(Boolean(a.store))))
      if (group.open && group.complete && group.indexCounts()?.running !== true) this.close(group, notes);
    return notes;
  }

  private close(group: Group, notes: PhaseNote[]): void {
    if (!group.open) return;
    for (const store of group.stores.values()) this.close(store, notes);
    group.closedAt = this.now();
    notes.push({ type: 'closed', group });
  }
}

/** Sets a group's total, and the actions it will take, from what apply-start said (if it did). */
function plan(group: Group, totals: PhaseTotal[] | undefined): void {
  if (!totals || totals.length === 0) return;
  group.total = 0;
  for (const total of totals)
    for (const [action, n] of Object.entries(total.actions)) {
      group.actions.add(action as Action);
      group.total += n ?? 0;
    }
  group.plannedStores = totals.filter((total) => total.store !== undefined).length;
}

/** The store address of an attachment's address. */
function storeOf(address: Address): Address | undefined {
  const store = parseAddress(address)?.store;
  return store === undefined ? undefined : vectorStoreAddress(store);
}

/**
 * A group's counts for people: `files: 412/1,000 uploaded (2 failed)`, with the indexing counts of
 * attachments (`, indexing 380/400` while polled, `, 398/400 indexed` after).
 */
export function groupTitle(group: Group): string {
  const words = phaseWords(group.kind, group.half, group.actions);
  const total = group.shownTotal;
  const done = total === undefined ? count(group.done) : `${count(group.done)}/${count(total)}`;
  const index = group.indexCounts();
  let indexing = '';
  if (index) {
    const { completed, total: files } = index.counts;
    indexing = index.running
      ? `, indexing ${count(completed)}/${count(files)}`
      : `, ${count(completed)}/${count(files)} indexed`;
  }
  const failed = group.failed > 0 ? ` (${count(group.failed)} failed)` : '';
  return `${group.label}: ${done} ${words.done}${indexing}${failed}`;
}

/** What a group is about to do: `files: 1,000 to upload`, `attachments: 40 to attach in 2 stores`. */
export function groupPlan(group: Group): string {
  const words = phaseWords(group.kind, group.half, group.actions);
  if (group.total === undefined) return `${group.label}: started`;
  const stores = group.plannedStores > 1 ? ` in ${count(group.plannedStores)} stores` : '';
  return `${group.label}: ${count(group.total)} to ${words.verb}${stores}`;
}
