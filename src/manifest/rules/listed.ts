/** How many names a summary diagnostic lists before "and N more". */
const LISTED = 5;

/** `a, b, c, d, e and 3 more`: a list short enough for one message. */
export function listed(names: readonly string[]): string {
  const head = names.slice(0, LISTED).join(', ');
  return names.length > LISTED ? `${head} and ${names.length - LISTED} more` : head;
}
