import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Diagnostic } from '../../src/errors/index.js';
import { type Address, parseAddress } from '../../src/model/address.js';
import {
  type AssistantAttributes,
  type Attributes,
  type AttributesByKind,
  type FileAttributes,
  type MembershipAttributes,
  UNKNOWN,
  type VectorStoreAttributes,
} from '../../src/model/attributes.js';
import type { ResourceKind } from '../../src/model/kinds.js';
import type { Action, ActionReason, Change, Drift, Plan } from '../../src/model/plan.js';
import { PLAN_FORMAT_VERSION } from '../../src/model/plan.js';
import {
  BYTES_PER_GB,
  storageCost as costOfStores,
  DEFAULT_STORAGE_PRICES,
  type StorageCost,
  type StoreStorage,
} from '../../src/model/storage-cost.js';
import { deepEqual } from '../../src/render/value-diff.js';

/** Fixed so that snapshots are stable. */
export const TEST_LINEAGE = '3f2b8c1e-7d4a-4e59-9b0c-2a6f1d8e5c47';
export const TEST_DIGEST = `sha256:${sha256('manifests')}`;

/** The sha256 (hex) of a string: realistic-looking, stable file hashes. */
export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** A file's attributes; `filename` follows `path` unless given, `sha256` is the hash of the path. */
export function fileAttrs(overrides: Partial<FileAttributes> = {}): FileAttributes {
  const filePath = overrides.path ?? 'docs/handbook.pdf';
  return {
    path: filePath,
    filename: path.posix.basename(filePath),
    purpose: 'assistants',
    bytes: 48_213,
    sha256: sha256(filePath),
    ...overrides,
  };
}

/** A vector store's attributes, without the ownership stamp (add it through `metadata`). */
export function vectorStoreAttrs(overrides: Partial<VectorStoreAttributes> = {}): VectorStoreAttributes {
  return { name: 'Support KB', expires_after: null, metadata: {}, ...overrides };
}

/** A membership's attributes, with the API's default chunking (auto is static 800/400). */
export function membershipAttrs(overrides: Partial<MembershipAttributes> = {}): MembershipAttributes {
  return {
    vector_store_id: 'vs_kb',
    file_id: 'file-handbook',
    attributes: {},
    chunking_strategy: { max_chunk_size_tokens: 800, chunk_overlap_tokens: 400 },
    ...overrides,
  };
}

/** An assistant's attributes with the server defaults filled in, as the planner normalises them. */
export function assistantAttrs(overrides: Partial<AssistantAttributes> = {}): AssistantAttributes {
  return {
    model: 'gpt-4o',
    name: 'Support Bot',
    description: null,
    instructions: 'You are helpful.',
    tools: [],
    tool_resources: {},
    temperature: 1,
    top_p: 1,
    response_format: 'auto',
    reasoning_effort: null,
    metadata: {},
    ...overrides,
  };
}

/** Default attributes for a kind. */
export function attrsFor<K extends ResourceKind>(kind: K): AttributesByKind[K] {
  const byKind: AttributesByKind = {
    file: fileAttrs(),
    vector_store: vectorStoreAttrs(),
    vector_store_file: membershipAttrs(),
    assistant: assistantAttrs(),
    skill: {
      path: 'skills/pdf-tools',
      name: 'pdf-tools',
      description: 'Works with PDF files',
      sha256: 'a'.repeat(64),
      default_version: '1',
      keep_versions: 3,
    },
    agent: { model: 'gpt-5-mini', render_to: null },
  };
  return byKind[kind];
}

/** The id the API would give a resource: `file-NAME`, `vs_NAME`, `asst_NAME`; a member has its file's. */
export function fakeId(address: Address): string {
  const parsed = kindOf(address);
  const slug = (name: string) => name.replace(/[^A-Za-z0-9]+/g, '_');
  switch (parsed.kind) {
    case 'file':
      return `file-${slug(parsed.name)}`;
    case 'vector_store':
      return `vs_${slug(parsed.name)}`;
    case 'assistant':
      return `asst_${slug(parsed.name)}`;
    case 'vector_store_file':
      return `file-${slug(parsed.file ?? parsed.name)}`;
    case 'skill':
      return `skill_${slug(parsed.name)}`;
    case 'agent':
      return '';
  }
}

const DEFAULT_REASONS: Record<Action, ActionReason> = {
  'no-op': 'unchanged',
  create: 'new',
  update: 'changed',
  'delete-create': 'expired',
  'create-delete': 'content_changed',
  delete: 'not_in_manifest',
};

export type ChangeInit = Partial<Change> & { address: Address };

/**
 * A Change with what the planner would fill in. The action, when not given, follows the values:
 * `after: null` → delete, no `before` → create, otherwise update. `before`/`after` default to the
 * kind's attributes (null where the action says so), `reason` to the action's usual one, `id` to
 * fakeId (null for a create), `changedPaths` to the top-level keys that differ.
 */
export function change(init: ChangeInit): Change {
  const { kind } = kindOf(init.address);
  const action: Action =
    init.action ?? (init.after === null ? 'delete' : init.before == null ? 'create' : 'update');
  const before: Attributes | null = action === 'create' ? null : (init.before ?? attrsFor(kind));
  const after: Attributes | null = action === 'delete' ? null : (init.after ?? before ?? attrsFor(kind));
  return {
    address: init.address,
    kind,
    action,
    reason: init.reason ?? DEFAULT_REASONS[action],
    id: init.id !== undefined ? init.id : action === 'create' ? null : fakeId(init.address),
    before,
    after,
    changedPaths: init.changedPaths ?? changedKeys(before, after),
    replacePaths: init.replacePaths ?? [],
    dependencies: init.dependencies ?? [],
    ...(init.source ? { source: init.source } : {}),
    ...(init.protect !== undefined ? { protect: init.protect } : {}),
  };
}

export type DriftInit = Partial<Drift> & { address: Address };

/** A Drift: `after: null` means deleted outside; `changedPaths` defaults to the keys that differ. */
export function drift(init: DriftInit): Drift {
  const { kind } = kindOf(init.address);
  const before = init.before ?? attrsFor(kind);
  const after = init.after === undefined ? before : init.after;
  const action = init.action ?? (after === null ? 'delete' : 'update');
  return {
    address: init.address,
    kind,
    id: init.id ?? fakeId(init.address),
    action,
    before,
    after,
    changedPaths: init.changedPaths ?? (after === null ? [] : changedKeys(before, after)),
  };
}

/** A Plan of the given changes and drift; refreshed, untargeted, without problems unless told. */
export function plan(init: Partial<Plan> = {}): Plan {
  return {
    formatVersion: PLAN_FORMAT_VERSION,
    stack: 'support',
    lineage: TEST_LINEAGE,
    serial: 4,
    manifestDigest: TEST_DIGEST,
    refreshed: true,
    targets: [],
    changes: [],
    drift: [],
    expiries: [],
    errors: [],
    warnings: [],
    ...init,
  };
}

/** A plan error as the planner reports a protected resource. */
export function protectedError(address: Address): Diagnostic {
  return {
    severity: 'error',
    code: 'PROTECTED_RESOURCE',
    message: `${address} is protected and the plan would replace it`,
    location: { file: 'assistants.yaml', line: 3, column: 3 },
    excerpt: '  pricing:',
    hint: 'remove `protect: true` first if this is intended',
  };
}

function kindOf(address: Address) {
  const parsed = parseAddress(address);
  if (!parsed) throw new Error(`not an address: ${address}`);
  return parsed;
}

function changedKeys(before: Attributes | null, after: Attributes | null): string[] {
  const b = (before ?? {}) as unknown as Record<string, unknown>;
  const a = (after ?? {}) as unknown as Record<string, unknown>;
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((key) => !deepEqual(b[key], a[key]));
}

/** A function tool whose JSON-schema parameters take a `reason` of the given type. */
export function escalateTool(reasonType = 'string', extra: Record<string, unknown> = {}) {
  return {
    type: 'function' as const,
    function: {
      name: 'escalate_ticket',
      description: 'Hand the conversation to a person',
      parameters: {
        type: 'object',
        properties: { reason: { type: reasonType, description: 'Why a person is needed' }, ...extra },
        required: ['reason'],
      },
    },
  };
}

/**
 * A plan with every action and most reasons, drift of both kinds, unknowns, an instructions edit,
 * a parameters edit and a metadata edit; a no-op that no renderer should list. Shared by the
 * renderer tests and usable wherever a realistic plan is needed.
 */
export function examplePlan(overrides: Partial<Plan> = {}): Plan {
  const instructions = (middle: string) =>
    `You are the support assistant for Acme.\nAnswer from the handbook.\n${middle}\nCite the page you used.\nNever promise refunds.\n`;
  const botBefore = assistantAttrs({
    instructions: instructions('Be brief.'),
    tools: [{ type: 'code_interpreter' }, { type: 'file_search' }, escalateTool('string')],
    tool_resources: { file_search: { vector_store_ids: ['vs_kb'] } },
    temperature: 0.9,
    metadata: { team: 'support', owner: 'ana' },
  });
  const botAfter = assistantAttrs({
    instructions: instructions('Be thorough.'),
    tools: [
      { type: 'code_interpreter' },
      { type: 'file_search' },
      escalateTool('integer', { urgent: { type: 'boolean' } }),
    ],
    tool_resources: { file_search: { vector_store_ids: [UNKNOWN] } },
    temperature: 0.3,
    metadata: { team: 'helpdesk', owner: 'ana', tier: 'gold' },
  });
  return plan({
    drift: [
      drift({
        address: 'assistant.support-bot',
        before: { ...botBefore, temperature: 0.3 },
        after: botBefore,
      }),
      drift({ address: 'vector_store.archive', before: vectorStoreAttrs({ name: 'Archive' }), after: null }),
    ],
    changes: [
      change({ address: 'file.logo', action: 'no-op', before: fileAttrs({ path: 'img/logo.png' }) }),
      change({ address: 'file.handbook', after: fileAttrs() }),
      change({
        address: 'file.pricing',
        action: 'create-delete',
        before: fileAttrs({ path: 'docs/pricing.md', bytes: 2_048, sha256: sha256('old prices') }),
        after: fileAttrs({ path: 'docs/pricing.md', bytes: 2_310, sha256: sha256('new prices') }),
        replacePaths: ['sha256'],
      }),
      change({
        address: 'vector_store.kb',
        action: 'delete-create',
        reason: 'expired',
        before: vectorStoreAttrs({ expires_after: { anchor: 'last_active_at', days: 7 } }),
        after: vectorStoreAttrs({ expires_after: { anchor: 'last_active_at', days: 7 } }),
      }),
      change({
        address: 'vector_store.archive',
        reason: 'deleted_outside',
        after: vectorStoreAttrs({ name: 'Archive' }),
      }),
      change({
        address: 'vector_store_file.kb/handbook',
        after: membershipAttrs({ vector_store_id: UNKNOWN, file_id: UNKNOWN, attributes: { region: 'eu' } }),
        dependencies: ['vector_store.kb', 'file.handbook'],
      }),
      change({
        address: 'vector_store_file.kb/pricing',
        action: 'delete-create',
        reason: 'dependency_replaced',
        before: membershipAttrs({ file_id: 'file-pricing' }),
        after: membershipAttrs({ vector_store_id: UNKNOWN, file_id: UNKNOWN }),
        replacePaths: ['vector_store_id'],
        dependencies: ['vector_store.kb', 'file.pricing'],
      }),
      change({
        address: 'assistant.support-bot',
        before: botBefore,
        after: botAfter,
        dependencies: ['vector_store.kb'],
      }),
      change({ address: 'vector_store.old', before: vectorStoreAttrs({ name: 'Old KB' }), after: null }),
    ],
    ...overrides,
  });
}

/**
 * A plan's storage cost with totals worked out from its stores: by default a store that grows from
 * 1.6 GB to 4.1 GB, a new one of 512 MB, one deleted that held 2 GB, and an empty one.
 */
export function storageCost(
  stores: StoreStorage[] = exampleStores(),
  prices = DEFAULT_STORAGE_PRICES,
): StorageCost {
  return costOfStores(stores, prices);
}

/** One store's storage: a store that stays, holds nothing and changes nothing unless told. */
export function storeStorage(init: Partial<StoreStorage> & { address: Address }): StoreStorage {
  return {
    id: fakeId(init.address),
    action: 'no-op',
    usageBytes: 0,
    estimatedBytes: 0,
    attachedBytes: 0,
    detachedBytes: 0,
    unsizedFiles: 0,
    ...init,
  };
}

function exampleStores(): StoreStorage[] {
  const GB = BYTES_PER_GB;
  return [
    storeStorage({
      address: 'vector_store.kb',
      action: 'update',
      usageBytes: Math.round(1.6 * GB),
      estimatedBytes: Math.round(4.1 * GB),
      attachedBytes: 3 * GB,
      detachedBytes: Math.round(0.5 * GB),
    }),
    storeStorage({
      address: 'vector_store.archive',
      id: null,
      action: 'create',
      estimatedBytes: Math.round(0.5 * GB),
      attachedBytes: Math.round(0.5 * GB),
    }),
    storeStorage({ address: 'vector_store.old', action: 'delete', usageBytes: 2 * GB }),
    storeStorage({ address: 'vector_store.empty' }),
  ];
}
