/** Where an unquoted `${...}` stands on a line (0-based, end exclusive), and how to write it instead. */
export interface BareInterpolation {
  start: number;
  end: number;
  hint: string;
}

/**
 * The unquoted `${...}` of a line that a YAML error points at (`column` 1-based), if there is one:
 * the last one that starts at or before the error, else the first. Inside `{ }` and `[ ]` the
 * braces of `${env:NAME}` are YAML's own, so `metadata: {team: ${env:TEAM}}` does not parse; the
 * hint shows the value quoted. Quoted strings and comments are left out of the search.
 */
export function bareInterpolation(line: string, column: number): BareInterpolation | undefined {
  const searched = withoutQuotesAndComment(line);
  const starts = [...searched.matchAll(/\$\{/g)].map((match) => match.index);
  if (starts.length === 0) return undefined;
  const start = starts.filter((at) => at < column).pop() ?? (starts[0] as number);
  const close = line.indexOf('}', start);
  const end = close === -1 ? line.length : close + 1;
  const key = /([^\s{}[\],:"']+)\s*:\s*$/.exec(line.slice(0, start))?.[1];
  const example = `${key === undefined ? '' : `${key}: `}"${line.slice(start, end)}"`;
  return { start, end, hint: `quote values that start with "\${": ${example}` };
}

/** `line` with its quoted strings and its comment blanked out (lengths kept, so offsets still match). */
function withoutQuotesAndComment(line: string): string {
  const blank = (text: string) => ' '.repeat(text.length);
  const unquoted = line.replace(/"(?:[^"\\]|\\.)*"?|'(?:[^']|'')*'?/g, blank);
  const comment = /(^|\s)#.*$/.exec(unquoted);
  return comment ? unquoted.slice(0, comment.index) + blank(unquoted.slice(comment.index)) : unquoted;
}
