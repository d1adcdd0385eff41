import type { Diagnostic } from '../errors/index.js';
import type { Address } from '../model/address.js';
import type { ResourceKind } from '../model/kinds.js';
import type { Action } from '../model/plan.js';

/** The counts of the final line: `Apply complete! Resources: N added, N changed, N destroyed.` */
export interface ApplyCounts {
  added: number;
  changed: number;
  destroyed: number;
}

/**
 * What apply reports as it goes. The executor never prints: it emits these to a sink, and the CLI
 * renders them (a listr2 task list on a terminal, timestamped lines in CI). Events of one resource
 * come in order: start, then (for stores) indexing progress, then done or failed.
 */
/**
 * How many calls apply expects to make in one phase: one kind of resource in the create or the
 * delete half of the run (for attachments made in the create half, one entry per store, `store`
 * its address), by planned action. Renderers show progress against these; the counts are what the
 * plan asks for, so a run that stops early, skips or finds more to clean up may differ from them.
 */
export interface PhaseTotal {
  kind: ResourceKind;
  phase: 'create' | 'delete';
  store?: Address;
  actions: Partial<Record<Action, number>>;
}

export type ApplyEvent =
  | { type: 'apply-start'; changes: number; phases?: PhaseTotal[] }
  | { type: 'journal-resolved'; adopted: Address[]; cleaned: string[] }
  | {
      type: 'resource-start';
      address: Address;
      kind: ResourceKind;
      action: Action;
      phase: 'create' | 'delete';
    }
  | {
      type: 'resource-done';
      address: Address;
      kind: ResourceKind;
      action: Action;
      phase: 'create' | 'delete';
      id?: string;
    }
  | { type: 'resource-failed'; address: Address; kind: ResourceKind; action: Action; error: Diagnostic }
  | {
      type: 'indexing';
      /** The store's address. */
      address: Address;
      completed: number;
      failed: number;
      total: number;
    }
  | { type: 'indexing-done'; address: Address; completed: number; failed: number; total: number }
  | { type: 'file-failed'; store: Address; file: Address; code: string; message: string }
  | { type: 'stopping'; signal: string }
  | {
      type: 'apply-done';
      counts: ApplyCounts;
      failed: number;
      interrupted: boolean;
      /** True for `destroy`, whose summary reads `Destroy complete! Resources: N destroyed.` */
      destroy?: boolean;
    };

export type ApplyEventSink = (event: ApplyEvent) => void;
