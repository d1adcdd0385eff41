import { AssistantsError } from '../errors/index.js';
import type { Action } from './plan.js';

/**
 * The kinds of resource, and what the layers need to know of each. Orders, lists of kinds, address
 * forms and phase names elsewhere are derived from this table, so a kind is added here once.
 */
export type ResourceKind = 'file' | 'vector_store' | 'vector_store_file' | 'assistant' | 'skill' | 'agent';

export interface KindFacts {
  /** Rank in dependency order: a kind depends only on kinds of lower rank; deletes run in reverse. */
  readonly order: number;
  /** How its address is written, for help and error text. */
  readonly addressForm: string;
  /**
   * The kind whose resource a resource of this kind belongs to: its name is then `PARENT/NAME`
   * (the first `/` ends the parent's name) and it goes when its parent goes.
   */
  readonly parent?: ResourceKind;
  /** Its section in the manifests and in `assistants output --json`; none when nested in its parent. */
  readonly section?: 'files' | 'vector_stores' | 'assistants' | 'skills' | 'agents';
  /** What progress lines call a phase of this kind. */
  readonly phaseNoun: string;
  /** Whether `protect` can be set on it (a nested resource goes with its parent). */
  readonly protectable: boolean;
  /** Whether it carries the stack's ownership stamp in its metadata (see src/model/stamp.ts). */
  readonly stamped: boolean;
  /**
   * The planned actions apply's create half makes a call for (the delete half removes what is
   * deleted, and the old half of a create-delete): one list, so that progress counts what apply does.
   */
  readonly createHalf: readonly Action[];
}

export const KINDS = {
  file: {
    order: 0,
    addressForm: 'file.NAME',
    section: 'files',
    phaseNoun: 'files',
    protectable: true,
    stamped: false,
    createHalf: ['create', 'create-delete'],
  },
  vector_store: {
    order: 1,
    addressForm: 'vector_store.NAME',
    section: 'vector_stores',
    phaseNoun: 'vector stores',
    protectable: true,
    stamped: true,
    createHalf: ['create', 'update', 'delete-create'],
  },
  vector_store_file: {
    order: 2,
    addressForm: 'vector_store_file.STORE/FILE',
    parent: 'vector_store',
    phaseNoun: 'attachments',
    protectable: false,
    stamped: false,
    createHalf: ['create', 'update', 'create-delete', 'delete-create'],
  },
  assistant: {
    order: 3,
    addressForm: 'assistant.NAME',
    section: 'assistants',
    phaseNoun: 'assistants',
    protectable: true,
    stamped: true,
    createHalf: ['create', 'update'],
  },
  // A folder uploaded as immutable versions; new content is a new version (an update), and the
  // delete half prunes versions beyond keep_versions once agents have moved to the new one.
  skill: {
    order: 4,
    addressForm: 'skill.NAME',
    section: 'skills',
    phaseNoun: 'skills',
    protectable: true,
    stamped: false,
    createHalf: ['create', 'update'],
  },
  // No API object: a Responses request rendered into the state (and a file, with render_to).
  agent: {
    order: 5,
    addressForm: 'agent.NAME',
    section: 'agents',
    phaseNoun: 'agents',
    protectable: true,
    stamped: false,
    createHalf: ['create', 'update'],
  },
} as const satisfies { readonly [K in ResourceKind]: KindFacts };

/** Every kind in dependency order (see KindFacts.order). */
export const KINDS_IN_ORDER: readonly ResourceKind[] = (Object.keys(KINDS) as ResourceKind[]).sort(
  (a, b) => KINDS[a].order - KINDS[b].order,
);

/** Every kind in the order deletes run: dependents first. */
export const KINDS_IN_DELETE_ORDER: readonly ResourceKind[] = [...KINDS_IN_ORDER].reverse();

/** The manifest section of a kind (see KindFacts.section); undefined for a nested kind. */
export function sectionOf(kind: ResourceKind): KindFacts['section'] {
  return (KINDS[kind] as KindFacts).section;
}

/** The kinds whose objects carry the ownership stamp. */
export type StampedKind = {
  [K in ResourceKind]: (typeof KINDS)[K]['stamped'] extends true ? K : never;
}[ResourceKind];

/** The kinds whose resources take a `protect` setting. */
export type ProtectableKind = {
  [K in ResourceKind]: (typeof KINDS)[K]['protectable'] extends true ? K : never;
}[ResourceKind];

/** Every address form, for help and error text: `file.NAME, vector_store.NAME, … or assistant.NAME`. */
export const ADDRESS_FORMS: string = (() => {
  const forms = KINDS_IN_ORDER.map((kind) => KINDS[kind].addressForm);
  return `${forms.slice(0, -1).join(', ')} or ${forms[forms.length - 1]}`;
})();

/**
 * The end of every `switch` over a resource kind: with all kinds handled, `kind` is `never` here,
 * so a kind added to ResourceKind and not handled is a type error, not a silent fallthrough.
 */
export function unhandledKind(kind: never): never {
  throw new AssistantsError('INTERNAL', `no handling for resource kind ${String(kind)}`);
}

/** Whether objects of this kind carry the ownership stamp (see StampedKind). */
export function isStamped(kind: ResourceKind): kind is StampedKind {
  return KINDS[kind].stamped;
}
