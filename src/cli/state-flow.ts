import { stringify } from 'yaml';
import { AssistantsError } from '../errors/index.js';
import { type Address, parseAddress } from '../model/address.js';
import { ADDRESS_FORMS, KINDS_IN_ORDER } from '../model/kinds.js';
import { sortedEntries } from '../model/order.js';
import { type ApiClient, createApiClient } from '../provider/api-client.js';
import type { ApiWriter } from '../provider/api-writer.js';
import { restamp } from '../provider/restamp.js';
import { sdkWriter } from '../provider/sdk-writer.js';
import { removeStamp } from '../provider/unstamp.js';
import { counted } from '../render/diagnostics-text.js';
import type { StateDocument, StateResource } from '../state/state-document.js';
import { forgetWorkflow, type StampResult, type Unstamper } from '../workflow/forget.js';
import { moveWorkflow, type Restamper, type RestampResult } from '../workflow/move.js';
import { checkAddresses, checkPresent } from '../workflow/state-addresses.js';
import { parseDuration } from './duration.js';
import { EXIT } from './exit-codes.js';
import { openState } from './open-state.js';
import type { CommandContext } from './program.js';

/** `assistants state list [PREFIX]`: the addresses in the state (whole names only), as lines or JSON. */
export async function runStateList(
  context: CommandContext,
  prefix: string | undefined,
  opts: { json?: boolean; file?: string[] },
): Promise<void> {
  context.json = opts.json === true;
  if (prefix !== undefined) checkPrefix(prefix);
  const doc = await (await openState(context, { files: opts.file })).store.read();
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
  opts: { json?: boolean; file?: string[] },
): Promise<void> {
  context.json = opts.json === true;
  checkAddresses([address]);
  const { store } = await openState(context, { files: opts.file });
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
  opts: { lockTimeout: string; keepStamps?: boolean; file?: string[] },
): Promise<void> {
  const timeoutMs = parseDuration(opts.lockTimeout, '--lock-timeout');
  const addresses = [...new Set(args)];
  checkAddresses(addresses);
  const { store } = await openState(context, { files: opts.file });
  // Fail fast, without waiting on the lock or creating the state folder; checked again under it.
  checkPresent(await store.read(), addresses, store.location);
  const { io } = context;
  const ports = {
    store,
    unstamper: (): Unstamper | { unavailable: string } =>
      withStampApi(context, (api, writer) => (kind, id, owns) => removeStamp(api, writer, kind, id, owns)),
    now: () => new Date().toISOString(),
  };
  const request = { addresses, keepStamps: opts.keepStamps === true, lockTimeoutMs: timeoutMs };
  const { forgetting, stamps, dangling } = await forgetWorkflow(ports, request);
  const along = new Set(forgetting.along);
  io.stdout(
    forgetting.removed
      .map((a) => `Removed ${a}${along.has(a) ? ` (with its store ${storeOf(a)})` : ''}\n`)
      .join(''),
  );
  io.stdout(
    `Removed ${counted(forgetting.removed.length, 'resource')} from ${store.location}; nothing was deleted in the API.\n`,
  );
  for (const stamp of stamps) io.stdout(`${stamp.address} (${stamp.id}): ${stampWords(stamp)}\n`);
  for (const skill of forgetting.skills)
    io.stdout(
      `${skill.address} (${skill.id}): skills carry no stamp; the state records it as let go, so gc --skill-prefix never collects it\n`,
    );
  for (const note of dangling) io.stderr(`note: ${note}\n`);
  context.exitCode = EXIT.OK;
}

/**
 * `assistants state mv FROM TO`: renames resources in the state (a store with its memberships, a
 * prefix with every address under it) under the state lock, then writes the moved stores' and
 * assistants' stamps anew. `--dry-run` prints what would move and changes nothing.
 */
export async function runStateMv(
  context: CommandContext,
  from: string,
  to: string,
  opts: { dryRun?: boolean; lockTimeout: string; keepStamps?: boolean; file?: string[] },
): Promise<void> {
  const timeoutMs = parseDuration(opts.lockTimeout, '--lock-timeout');
  const { store } = await openState(context, { files: opts.file });
  const { io } = context;
  const ports = {
    store,
    restamper: (): Restamper | { unavailable: string } =>
      withStampApi(
        context,
        (api, writer) => (kind, id, owns, address) => restamp(api, writer, kind, id, owns, address),
      ),
  };
  const dryRun = opts.dryRun === true;
  const request = { from, to, dryRun, keepStamps: opts.keepStamps === true, lockTimeoutMs: timeoutMs };
  const { moved, restamps } = await moveWorkflow(ports, request);
  const verb = dryRun ? 'Would move' : 'Moved';
  io.stdout(moved.map((m) => `${verb} ${m.from} to ${m.to}\n`).join(''));
  io.stdout(
    dryRun
      ? `Would move ${counted(moved.length, 'resource')} in ${store.location}; nothing was changed (--dry-run).\n`
      : `Moved ${counted(moved.length, 'resource')} in ${store.location}; nothing was re-created in the API.\n`,
  );
  for (const result of restamps) io.stdout(`${result.address} (${result.id}): ${restampWords(result)}\n`);
  context.exitCode = EXIT.OK;
}

/**
 * What writes stamps (`state rm` takes them off, `state mv` writes them anew) made on the API, or
 * why the API cannot be asked: the stamps then stay as they are.
 */
function withStampApi<T>(
  context: CommandContext,
  make: (api: ApiClient, writer: ApiWriter) => T,
): T | { unavailable: string } {
  const { env } = context.io;
  if (!env.OPENAI_API_KEY) return { unavailable: 'OPENAI_API_KEY is not set' };
  const api = createApiClient({ baseUrl: context.globals().baseUrl, env });
  return make(api, sdkWriter(api, { retries: 2 }));
}

/** What became of a moved resource's stamp, in words. */
function restampWords(result: RestampResult): string {
  switch (result.outcome) {
    case 'restamped':
      return 'ownership stamp now names its new address';
    case 'gone':
      return 'the API no longer has it';
    case 'kept':
      return 'its stamp does not name this state and the old address, so it was left exactly as it is';
    case 'left':
      return `its ownership stamp still names the old address (${result.why}); the next apply updates it in place`;
  }
}

/** What became of a forgotten resource's stamp, in words. */
function stampWords(stamp: StampResult): string {
  switch (stamp.outcome) {
    case 'removed':
      return "ownership stamp removed: it is no longer marked as this stack's";
    case 'gone':
      return 'the API no longer has it';
    case 'kept':
      return 'its stamp does not name this state and address, so it was left exactly as it is';
    case 'recorded':
      return `its ownership stamp stays (${stamp.why}); the state records it as forgotten, so gc leaves it alone`;
  }
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
