/** "1 file", "3 files": a count with its noun, never "file(s)". */
export function counted(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`;
}

/** The verb for a subject of `n` things: `agrees(1, 'relies', 'rely')` is "relies". */
export function agrees(n: number, one: string, many: string): string {
  return n === 1 ? one : many;
}
