import type { Diagnostic } from '../errors/index.js';
import type { Address, ResourceKind } from '../model/address.js';
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
export type ApplyEvent =
  | { type: 'apply-start'; changes: number }
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
