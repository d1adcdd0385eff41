/**
 * The text of a Responses request's `input`, as the emulator uses it: the file_search query, and
 * the words it counts as input tokens. `input` is a string (one user message) or a list of items;
 * of the items, only messages carry text here (a message's `content` is a string or a list of
 * parts, of which `input_text` parts have text). Images, files and tool outputs are not read.
 */

type Item = { type?: unknown; role?: unknown; content?: unknown };

function messageText(item: Item): string {
  if (typeof item.content === 'string') return item.content;
  if (!Array.isArray(item.content)) return '';
  return item.content
    .filter((part): part is { type: 'input_text'; text: string } => part?.type === 'input_text')
    .map((part) => part.text)
    .join(' ');
}

/** The messages of an input list (an item without `type` is a message, as the spec's easy form). */
function messages(input: unknown): Item[] {
  if (!Array.isArray(input)) return [];
  return (input as Item[]).filter((item) => item.type === undefined || item.type === 'message');
}

/**
 * What file_search searches for: the input itself when it is a string, else the text of the last
 * user message (the question being asked now; earlier turns are context). '' when there is none.
 */
export function queryOf(input: unknown): string {
  if (typeof input === 'string') return input;
  const last = messages(input).findLast((item) => item.role === 'user');
  return last ? messageText(last) : '';
}

/** All the text of the input, every role's messages in order. */
export function inputText(input: unknown): string {
  if (typeof input === 'string') return input;
  return messages(input).map(messageText).join(' ');
}
