import { AssistantsError, type Diagnostic } from '../errors/index.js';
import { didYouMeanSuffix } from '../manifest/suggest.js';
import { parseAddress } from '../model/address.js';
import { ADDRESS_FORMS } from '../model/kinds.js';
import type { StateDocument } from '../state/state-document.js';

/** The checks of addresses given to the state commands: all are refused together, with nothing done. */

/** INVALID_ADDRESS listing every argument that is not an address. */
export function checkAddresses(addresses: readonly string[]): void {
  const invalid = addresses.filter((a) => parseAddress(a) === undefined);
  if (invalid.length === 0) return;
  const hint = `addresses are ${ADDRESS_FORMS}; \`assistants state list\` shows those in the state`;
  throw oneOrMany(
    'INVALID_ADDRESS',
    invalid.map((a) => `'${a}' is not a resource address`),
    hint,
  );
}

/** RESOURCE_NOT_IN_STATE listing every address the state does not hold. */
export function checkPresent(
  doc: StateDocument | undefined,
  addresses: readonly string[],
  location: string,
): void {
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
