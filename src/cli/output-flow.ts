import { AssistantsError } from '../errors/index.js';
import { parseAddress } from '../model/address.js';
import { type AgentRequest, requestOf } from '../model/agent.js';
import { ADDRESS_FORMS, KINDS_IN_ORDER, sectionOf } from '../model/kinds.js';
import { compareCodeUnits } from '../model/order.js';
import type { StateResource } from '../state/state-document.js';
import { checkAddresses, checkPresent } from '../workflow/state-addresses.js';
import { EXIT } from './exit-codes.js';
import { openState } from './open-state.js';
import type { CommandContext } from './program.js';

export interface OutputOptions {
  file?: string[];
  json?: boolean;
  raw?: boolean;
  format?: string;
}

/** What `output` prints for a resource: an agent's rendered request, any other resource's id. */
type Value = string | AgentRequest;

function outputValue(resource: StateResource): Value {
  return resource.kind === 'agent' ? requestOf(resource.attributes) : resource.id;
}

/**
 * A bare NAME (`output kb --raw`, as Terraform names its outputs) stands for the one resource of
 * that name among the kinds apps read (files, stores, assistants, agents). A name that none or
 * several hold is refused, the latter with the addresses to choose from.
 */
function byName(given: string, resources: Record<string, StateResource>): string {
  // A name may read as an address (a file named `agent.md`): the address wins when it is held.
  const address = parseAddress(given) !== undefined;
  if (address && resources[given]) return given;
  const held = Object.entries(resources).filter(
    ([at, r]) => sectionOf(r.kind) !== undefined && parseAddress(at)?.name === given,
  );
  if (held.length === 1) return (held[0] as [string, StateResource])[0];
  if (held.length === 0 && address) return given;
  if (held.length === 0)
    throw new AssistantsError('RESOURCE_NOT_IN_STATE', `no resource in the state is named '${given}'`, {
      hint: `give an address (${ADDRESS_FORMS}) or a name; \`assistants output\` lists them`,
    });
  const addresses = held.map(([at]) => at).sort(compareCodeUnits);
  throw new AssistantsError(
    'INVALID_ADDRESS',
    `'${given}' names ${held.length} resources: ${addresses.join(', ')}`,
    {
      hint: 'give the whole address',
    },
  );
}

/**
 * `assistants output`: what apps need from the state (see outputCommand): ids, and agents' rendered
 * requests. Reads the state alone; no API call.
 */
export async function runOutput(
  context: CommandContext,
  address: string | undefined,
  opts: OutputOptions,
): Promise<void> {
  if (opts.json && opts.format !== undefined && opts.format !== 'json')
    throw new AssistantsError('USAGE', `--json and --format ${opts.format} ask for two formats; give one`);
  const format = opts.json ? 'json' : (opts.format ?? 'text');
  if (!['text', 'json', 'responses'].includes(format))
    throw new AssistantsError('USAGE', `--format ${format} is not one of text, json, responses`);
  if (opts.raw && (address === undefined || opts.json || opts.format !== undefined))
    throw new AssistantsError(
      'USAGE',
      '--raw prints the id of one resource: give its address, and no other format',
    );
  context.json = format !== 'text';
  const { store } = await openState(context, { files: opts.file });
  const doc = await store.read();
  // Apps read ids from here: an empty answer from a mistyped --state or workspace would look like
  // a stack with nothing in it.
  if (!doc)
    throw new AssistantsError(
      'STATE_NOT_FOUND',
      `there is no state at ${store.location}: nothing was applied there`,
      {
        hint: 'check --state and --workspace (or ASSISTANTS_STATE and ASSISTANTS_WORKSPACE); apply creates the state',
      },
    );
  const resources = doc?.resources ?? {};
  const { io } = context;
  const print = (value: unknown) => io.stdout(`${JSON.stringify(value, null, 2)}\n`);
  context.exitCode = EXIT.OK;

  if (address !== undefined) {
    address = byName(address, resources);
    checkAddresses([address]);
    checkPresent(doc, [address], 'the state');
    const resource = resources[address] as StateResource;
    const value = outputValue(resource);
    if (format === 'responses' && resource.kind !== 'agent')
      throw new AssistantsError(
        'USAGE',
        `${address} is not an agent: --format responses prints agents' requests`,
      );
    if (opts.raw && typeof value !== 'string')
      throw new AssistantsError(
        'USAGE',
        `${address} is an agent: its request is an object, printed with --json`,
      );
    // --raw: the id alone, without a newline, for shell substitution (as Terraform's -raw).
    if (opts.raw) io.stdout(value as string);
    else if (format === 'text' && typeof value === 'string') io.stdout(`${value}\n`);
    else print(value);
    return;
  }

  // The kinds apps need: those with a section of their own (a membership has no id of its own).
  const entries = Object.entries(resources)
    .flatMap(([at, r]) => {
      const section = sectionOf(r.kind);
      const name = parseAddress(at)?.name;
      return section && name !== undefined ? [{ address: at, name, resource: r, section }] : [];
    })
    .sort((a, b) => compareCodeUnits(a.address, b.address));

  if (format === 'responses') {
    const agents: Record<string, AgentRequest> = {};
    for (const { name, resource } of entries)
      if (resource.kind === 'agent') agents[name] = requestOf(resource.attributes);
    print(agents);
  } else if (format === 'json') {
    const out: Record<string, Record<string, Value>> = {};
    for (const kind of KINDS_IN_ORDER) {
      const section = sectionOf(kind);
      if (section) out[section] = {};
    }
    for (const { name, resource, section } of entries)
      (out[section] as Record<string, Value>)[name] = outputValue(resource);
    print(out);
  } else if (entries.length > 0) {
    const line = ({ address: at, resource }: (typeof entries)[number]) =>
      resource.kind === 'agent'
        ? `${at} = ${resource.attributes.render_to ?? '(in the state only: assistants output --format responses)'}\n`
        : `${at} = ${resource.id}\n`;
    io.stdout(entries.map(line).join(''));
  }
}
