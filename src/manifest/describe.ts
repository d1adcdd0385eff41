import { SECTION_NOUNS } from './manifest-types.js';
import type { ValuePath } from './source-document.js';

/** The noun of a section's entries, or undefined for a key that is not a section. */
function nounOf(section: string): string | undefined {
  return Object.hasOwn(SECTION_NOUNS, section)
    ? SECTION_NOUNS[section as keyof typeof SECTION_NOUNS]
    : undefined;
}

/** The resource a path belongs to, in words: `assistant "bot"`, `the files section`, `the manifest`. */
export function describePath(path: ValuePath): string {
  const [section, name] = path;
  if (section === undefined) return 'the manifest';
  const noun = nounOf(String(section));
  if (noun === undefined) return `"${String(section)}"`;
  if (name === undefined) return `the ${String(section)} section`;
  const resource = `${noun} "${String(name)}"`;
  const rest = path.slice(2);
  return rest.length === 0 ? resource : `${fieldPath(rest)} of ${resource}`;
}

/** A field in words, for messages: `temperature of assistant "bot"`, `"version"`. */
export function describeField(path: ValuePath): string {
  if (path.length === 0) return 'the manifest';
  if (path.length === 1) {
    const section = String(path[0]);
    return nounOf(section) ? `the ${section} section` : `"${section}"`;
  }
  return describePath(path);
}

/** `tools[2].function.name` for ['tools', 2, 'function', 'name']. */
export function fieldPath(path: ValuePath): string {
  let out = '';
  for (const step of path) {
    const index = typeof step === 'number' || /^\d+$/.test(String(step));
    out += index ? `[${String(step)}]` : out === '' ? String(step) : `.${String(step)}`;
  }
  return out;
}
