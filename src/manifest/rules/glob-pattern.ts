import path from 'node:path';
import { isDynamicPattern } from 'tinyglobby';

/**
 * Why a glob pattern is refused before any folder is read: `..` anywhere in it (also inside
 * braces or groups, where it would climb out of the walk), or an absolute path, as the whole
 * pattern or as one of its alternatives (`{/etc,docs}/*`, `@(/etc|docs)/*`), which the walker
 * would otherwise drop without a word.
 */
export function globPatternProblem(pattern: string): string | undefined {
  if (path.isAbsolute(pattern) || path.posix.isAbsolute(pattern) || /^[A-Za-z]:/.test(pattern))
    return `glob "${pattern}" is absolute; a glob is written relative to the manifest file's folder`;
  // `..` as a whole step: between separators, or as an alternative in {a,..} or @(..|x).
  if (/(^|[/\\{},(|])\.\.($|[/\\{},)|])/.test(pattern))
    return `glob "${pattern}" contains "..": a glob may only look below the manifest file's folder`;
  // An alternative starts after `{`, `,`, `(` or `|`.
  for (const start of pattern.matchAll(/[{,(|]/g))
    if (isAbsoluteAlternative(pattern.slice(start.index + 1)))
      return `glob "${pattern}" has an absolute path among its alternatives; a glob is written relative to the manifest file's folder`;
  return undefined;
}

/**
 * An alternative that starts with a root: `/`, a drive (`C:/`, `C:\`), or, on Windows, whatever
 * the system takes for absolute. Elsewhere `\` escapes the character after it (`{a,\*b}`).
 */
function isAbsoluteAlternative(rest: string): boolean {
  return (
    path.posix.isAbsolute(rest) ||
    /^[A-Za-z]:[\\/]/.test(rest) ||
    (path.sep === '\\' && path.isAbsolute(rest))
  );
}

/** The leading segments of a glob pattern that hold no wildcard: where a walk would start. */
export function staticBase(pattern: string): string {
  const segments = pattern.split('/');
  const fixed: string[] = [];
  for (const segment of segments.slice(0, -1)) {
    if (isDynamicPattern(segment)) break;
    fixed.push(segment);
  }
  return fixed.length === 0 ? '.' : fixed.join('/') || '/';
}
