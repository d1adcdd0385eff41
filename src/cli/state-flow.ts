import { stringify } from 'yaml';
import { StateRecorder } from '../apply/state-recorder.js';
import { AssistantsError, type Diagnostic, toAssistantsError } from '../errors/index.js';
import { didYouMeanSuffix } from '../manifest/suggest.js';
import { type Address, parseAddress } from '../model/address.js';
import { ADDRESS_FORMS, KINDS_IN_ORDER } from '../model/kinds.js';
import { sortedEntries } from '../model/order.js';
import { ownedBy } from '../plan/ownership.js';
import { createApiClient } from '../provider/api-client.js';
import { sdkWriter } from '../provider/sdk-writer.js';
import { removeStamp, type UnstampOutcome } from '../provider/unstamp.js';
import { counted } from '../render/diagnostics-text.js';
import { forgetResources, remember } from '../state/forget-resources.js';
import type { ForgottenResource, StateDocument, StateResource } from '../state/state-document.js';
import { withStateLock } from '../state/state-store.js';
import { parseDuration } from './duration.js';
import { EXIT } from './exit-codes.js';
import { openStateStore } from './open-state.js';
import type { CommandContext } from './program.js';

/** `assistants state list [PREFIX]`: the addresses in the state (whole names only), as lines or JSON. */
export async function runStateList(
  context: CommandContext,
  prefix: string | undefined,
  opts: { json?: boolean },
): Promise<void> {
  context.json = opts.json === true;
  if (prefix !== undefined) checkPrefix(prefix);
  const doc = await openStateStore(context).read();
  const entries = sortedResources(doc).filter(
    ([address]) => prefix === undefined || matches(address, prefix),
  );
  const { io } = context;
  if (context.json) {
    const list = entries.map(([address, r]) => ({ address, kind: r.kind, id: r.id }));
    io.stdout(`${JSON.stringify(list, null, 2)}\n`);
  } else if (entries.length > 0) {
    io.stdout(entries.map(([address]) => `${address}\n`).join(''));
  }
  context.exitCode = EXIT.OK;
}

/** `assistants state show ADDRESS`: one resource as the state records it, as YAML or JSON. */
export async function runStateShow(
  context: CommandContext,
  address: string,
  opts: { json?: boolean },
): Promise<void> {
  context.json = opts.json === true;
  checkAddresses([address]);
  const store = openStateStore(context);
  const doc = await store.read();
  checkPresent(doc, [address], store.location);
  const resource = doc?.resources[address] as StateResource;
  const { io } = context;
  if (context.json) {
    io.stdout(`${JSON.stringify(resource, null, 2)}\n`);
  } else {
    const { kind, id, protect, dependencies, attributes } = resource;
    const body = stringify({ id, kind, protect, dependencies, attributes }, { lineWidth: 0 });
    io.stdout(`${context.style().bold(`# ${address}`)}\n${body}`);
  }
  context.exitCode = EXIT.OK;
}

/**
 * `assistants state rm ADDRESS...`: forgets the resources (all or none) under the state lock, then
 * takes this state's stamp off those forgotten, or records that it stays. Nothing is deleted.
 */
export async function runStateRm(
  context: CommandContext,
  args: string[],
  opts: { lockTimeout: string; keepStamps?: boolean },
): Promise<void> {
  const timeoutMs = parseDuration(opts.lockTimeout, '--lock-timeout');
  const addresses = [...new Set(args)];
  checkAddresses(addresses);
  const store = openStateStore(context);
  // Fail fast, without waiting on the lock or creating the state folder; checked again under it.
  checkPresent(await store.read(), addresses, store.location);
  const { io } = context;
  const { forgetting, after, stamps } = await withStateLock(store, 'state rm', { timeoutMs }, async () => {
    const doc = await store.read();
    checkPresent(doc, addresses, store.location);
    const forgetting = forgetResources(doc as StateDocument, addresses, new Date().toISOString());
    // One write forgets them all and records the stamped ones, before any call is made.
    const recorder = new StateRecorder(store, await store.write(forgetting.doc));
    const stamps = await takeStamps(context, forgetting.stamped, recorder.doc.lineage, opts.keepStamps);
    // Kept only while a stamp may still say "this lineage": a `kept` stamp may name it under
    // another address, which gc would otherwise take for a leak.
    const settled = new Set(
      stamps.filter((s) => s.outcome === 'removed' || s.outcome === 'gone').map((s) => s.id),
    );
    if (settled.size > 0) await recorder.mutate((d) => remember(d, settled));
    await recorder.settled();
    return { forgetting, after: recorder.doc, stamps };
  });
  const along = new Set(forgetting.along);
  io.stdout(
    forgetting.removed
      .map((a) => `Removed ${a}${along.has(a) ? ` (with its store ${storeOf(a)})` : ''}\n`)
      .join(''),
  );
  io.stdout(
    `Removed ${counted(forgetting.removed.length, 'resource')} from ${store.location}; nothing was deleted in the API.\n`,
  );
  for (const stamp of stamps) io.stdout(`${stamp.address} (${stamp.id}): ${stamp.words}\n`);
  for (const note of danglingDependencies(after, forgetting.removed)) io.stderr(`note: ${note}\n`);
  context.exitCode = EXIT.OK;
}

interface StampResult {
  address: string;
  id: string;
  /** `recorded`: the stamp stays, and the state's `forgotten` list keeps the id from gc. */
  outcome: UnstampOutcome | 'recorded';
  words: string;
}

/**
 * Takes this state's stamp off each forgotten store and assistant, so that nothing marks it as
 * this stack's any more (gc, import elsewhere). Where the API cannot be asked (no key, --keep-stamps,
 * an error), the stamp stays and the state's record of the id keeps gc away from it.
 */
async function takeStamps(
  context: CommandContext,
  stamped: readonly ForgottenResource[],
  lineage: string,
  keep: boolean | undefined,
): Promise<StampResult[]> {
  if (stamped.length === 0) return [];
  const recorded = (f: ForgottenResource, why: string): StampResult => ({
    address: f.address,
    id: f.id,
    outcome: 'recorded',
    words: `its ownership stamp stays (${why}); the state records it as forgotten, so gc leaves it alone`,
  });
  const { io } = context;
  if (keep) return stamped.map((f) => recorded(f, '--keep-stamps'));
  if (!io.env.OPENAI_API_KEY) return stamped.map((f) => recorded(f, 'OPENAI_API_KEY is not set'));
  const api = createApiClient({ baseUrl: context.globals().baseUrl, env: io.env });
  const writer = sdkWriter(api, { retries: 2 });
  const results: StampResult[] = [];
  for (const f of stamped) {
    try {
      const outcome = await removeStamp(api, writer, f.kind, f.id, (metadata) =>
        ownedBy(metadata, lineage, f.address),
      );
      results.push({
        address: f.address,
        id: f.id,
        outcome,
        words: {
          removed: "ownership stamp removed: it is no longer marked as this stack's",
          gone: 'the API no longer has it',
          kept: 'its stamp does not name this state and address, so it was left exactly as it is',
        }[outcome],
      });
    } catch (err) {
      results.push(recorded(f, `the API call failed: ${toAssistantsError(err).code}`));
    }
  }
  return results;
}

/** `vector_store.STORE` of a membership address. */
function storeOf(address: string): string {
  return `vector_store.${parseAddress(address)?.store ?? ''}`;
}

function sortedResources(doc: StateDocument | undefined): [Address, StateResource][] {
  return sortedEntries(doc?.resources ?? {});
}

/** A prefix is a kind (`file`), or a kind, a dot and the start of an address (`vector_store_file.kb`). */
function checkPrefix(prefix: string): void {
  if (KINDS_IN_ORDER.some((k) => prefix === k || prefix.startsWith(`${k}.`))) return;
  throw new AssistantsError('INVALID_ADDRESS', `'${prefix}' is not an address or the start of one`, {
    hint: `start with a kind: ${KINDS_IN_ORDER.join(', ')} (addresses are ${ADDRESS_FORMS})`,
  });
}

/**
 * Whole names only: `vector_store` lists stores but not memberships, `file.docs` lists `file.docs`
 * and the glob files under `file.docs/...`, and `file.doc` lists neither.
 */
function matches(address: Address, prefix: string): boolean {
  if (!address.startsWith(prefix)) return false;
  if (address.length === prefix.length || prefix.endsWith('.') || prefix.endsWith('/')) return true;
  const next = address[prefix.length];
  return next === '.' || next === '/';
}

/** INVALID_ADDRESS listing every argument that is not an address (nothing is done then). */
function checkAddresses(addresses: readonly string[]): void {
  const invalid = addresses.filter((a) => parseAddress(a) === undefined);
  if (invalid.length === 0) return;
  const hint = `addresses are ${ADDRESS_FORMS}; \`assistants state list\` shows those in the state`;
  throw oneOrMany(
    'INVALID_ADDRESS',
    invalid.map((a) => `'${a}' is not a resource address`),
    hint,
  );
}

/** RESOURCE_NOT_IN_STATE listing every address the state does not hold (nothing is done then). */
function checkPresent(doc: StateDocument | undefined, addresses: readonly string[], location: string): void {
  const held = Object.keys(doc?.resources ?? {});
  const missing = addresses.filter((a) => !doc?.resources[a]);
  if (missing.length === 0) return;
  const where = doc ? location : `${location} (there is no state yet)`;
  throw oneOrMany(
    'RESOURCE_NOT_IN_STATE',
    missing.map((a) => `${a} is not in ${where}${didYouMeanSuffix(a, held)}`),
    doc ? '`assistants state list` shows the addresses in the state' : undefined,
  );
}

function oneOrMany(
  code: 'INVALID_ADDRESS' | 'RESOURCE_NOT_IN_STATE',
  messages: string[],
  hint: string | undefined,
): AssistantsError {
  const diagnostics: Diagnostic[] = messages.map((message, i) => ({
    severity: 'error',
    code,
    message,
    ...(hint && i === messages.length - 1 ? { hint } : {}),
  }));
  const first = messages[0] ?? code;
  const summary = messages.length > 1 ? `${first} (and ${messages.length - 1} more)` : first;
  return new AssistantsError(code, summary, { ...(hint ? { hint } : {}), diagnostics });
}

/** Resources left in the state that were made from one just forgotten: worth knowing, not an error. */
function danglingDependencies(doc: StateDocument, removed: readonly string[]): string[] {
  const gone = new Set(removed);
  return sortedResources(doc).flatMap(([address, r]) =>
    r.dependencies
      .filter((d) => gone.has(d))
      .map((d) => `${address} depends on ${d}, which is no longer in the state`),
  );
}
