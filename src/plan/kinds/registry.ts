import { type ResourceKind, unhandledKind } from '../../model/kinds.js';
import { AGENT_PLAN } from './agent.js';
import { ASSISTANT_PLAN } from './assistant.js';
import { FILE_PLAN } from './file.js';
import { SKILL_PLAN } from './skill.js';
import { VECTOR_STORE_PLAN } from './vector-store.js';
import { VECTOR_STORE_FILE_PLAN } from './vector-store-file.js';
import type { PlanKind } from './wanted.js';

/**
 * Each kind as the planner sees it, one module per kind. Keyed by every kind, so a kind added to
 * ResourceKind without its module here is a type error.
 */
const PLAN_KINDS: { readonly [K in ResourceKind]: PlanKind<K> } = {
  file: FILE_PLAN,
  vector_store: VECTOR_STORE_PLAN,
  vector_store_file: VECTOR_STORE_FILE_PLAN,
  assistant: ASSISTANT_PLAN,
  skill: SKILL_PLAN,
  agent: AGENT_PLAN,
};

/** The module of a kind, as one that takes any state resource (its own kind's, by the caller's key). */
export function planKindOf(kind: ResourceKind): PlanKind<ResourceKind> {
  const found = PLAN_KINDS[kind] as PlanKind<ResourceKind> | undefined;
  // Only a value that bypassed the types (a state read without its schema) can miss here.
  return found ?? unhandledKind(kind as never);
}
