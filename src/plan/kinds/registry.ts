import type { ResourceKind } from '../../model/kinds.js';
import { wantedAssistants } from './assistant.js';
import { wantedFiles } from './file.js';
import { wantedStores } from './vector-store.js';
import { wantedMemberships } from './vector-store-file.js';
import type { WantedOf } from './wanted.js';

/**
 * Each kind's desired resources for the planner, one module per kind. Keyed by every kind, so a
 * kind added to ResourceKind without its module here is a type error.
 */
export const WANTED: { readonly [K in ResourceKind]: WantedOf } = {
  file: wantedFiles,
  vector_store: wantedStores,
  vector_store_file: wantedMemberships,
  assistant: wantedAssistants,
};
