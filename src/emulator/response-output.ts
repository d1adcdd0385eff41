import type { EmulatorCore } from './core.js';
import type { SearchHit } from './file-search.js';
import { words } from './file-search.js';

/**
 * The `output` of an emulated response: a `file_search_call` per file_search tool, then one
 * assistant message. No model runs: the message is a labelled echo of the search, so a client can
 * test its wiring (tool config, filters, citations of its own file ids) and nothing more.
 */

/** What one file_search tool found. */
export interface FileSearchRun {
  query: string;
  hits: SearchHit[];
}

/** The start of a chunk shown in the echo; enough to recognise it. */
const SNIPPET_CHARS = 80;

/** Marks every echo, so that nobody mistakes it for a model's answer. */
const LABEL = '[emulator] No model runs here.';

function snippet(text: string): string {
  const chars = [...text];
  return chars.length > SNIPPET_CHARS ? `${chars.slice(0, SNIPPET_CHARS).join('')}…` : text;
}

/**
 * `file_search_call` for one tool. `results` are sent only when the request's `include` asks for
 * `file_search_call.results`, as the API does; else null.
 */
export function fileSearchCall(core: EmulatorCore, run: FileSearchRun, withResults: boolean) {
  return {
    id: core.newId('fileSearchCall'),
    type: 'file_search_call' as const,
    status: 'completed' as const,
    queries: [run.query],
    results: withResults
      ? run.hits.map((hit) => ({
          file_id: hit.file_id,
          filename: hit.filename,
          score: hit.score,
          text: hit.content.map((part) => part.text).join('\n'),
          attributes: hit.attributes,
        }))
      : null,
  };
}

/**
 * The echo's text and its citations: one numbered line per hit (all tools' hits, in tool order),
 * each cited by a `file_citation` whose `index` is the end of its line, where a model would put
 * the citation mark (a position in the text in UTF-16 code units, as JavaScript counts).
 */
function echo(runs: readonly FileSearchRun[] | undefined) {
  if (runs === undefined)
    return { text: `${LABEL} No file_search tool was given, so nothing was searched.`, annotations: [] };
  const query = runs[0]?.query ?? '';
  const hits = runs.flatMap((run) => run.hits);
  if (hits.length === 0)
    return { text: `${LABEL} No results for ${JSON.stringify(query)}.`, annotations: [] };
  let text = `${LABEL} Top results for ${JSON.stringify(query)}:`;
  const annotations = hits.map((hit, position) => {
    text += `\n${position + 1}. ${hit.filename}: ${snippet(hit.content[0]?.text ?? '')}`;
    return {
      type: 'file_citation' as const,
      file_id: hit.file_id,
      filename: hit.filename,
      index: text.length,
    };
  });
  return { text, annotations };
}

/**
 * The assistant message that closes the output. `runs` is undefined when the request had no
 * file_search tool.
 */
export function echoMessage(core: EmulatorCore, runs: readonly FileSearchRun[] | undefined) {
  const { text, annotations } = echo(runs);
  return {
    id: core.newId('message'),
    type: 'message' as const,
    role: 'assistant' as const,
    status: 'completed' as const,
    content: [{ type: 'output_text' as const, text, annotations, logprobs: [] }],
  };
}

/** Token counts as the emulator's search counts tokens: a word for a token. Nothing is cached or reasoned. */
export function usageOf(inputText: string, outputText: string) {
  const input = words(inputText).length;
  const output = words(outputText).length;
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: input + output,
  };
}
