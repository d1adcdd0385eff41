import { diagnosticAt } from '../diagnostic-at.js';
import { isGlobMember } from '../manifest-types.js';
import { validEntries } from '../merge.js';
import type { RuleContext } from './context.js';
import type { DiskFacts } from './disk.js';

/**
 * Glob members all manifests of a run may hold: each is a walk of the disk, and real stacks have a
 * handful per store. Past it, no glob is expanded.
 */
const MAX_GLOB_MEMBERS = 1_000;
/**
 * Members one vector store may have, glob matches included: twice the 100,000 that
 * `import --generate` writes for a large account, while no run is asked to plan millions.
 */
export const MAX_STORE_MEMBERS = 200_000;

/** Reports the glob member that passes MAX_GLOB_MEMBERS, if one does: then no glob is walked. */
export function tooManyGlobs(ctx: RuleContext): boolean {
  const globs = validEntries(ctx.merged.vector_stores).flatMap((store) =>
    (store.value.files ?? []).flatMap((member, index) => (isGlobMember(member) ? [{ store, index }] : [])),
  );
  const past = globs[MAX_GLOB_MEMBERS];
  if (!past) return false;
  ctx.report(
    diagnosticAt(
      past.store.doc,
      [...past.store.path, 'files', past.index, 'glob'],
      'TOO_MANY_MEMBERS',
      `the manifests hold ${globs.length.toLocaleString('en-US')} glob members; at most ${MAX_GLOB_MEMBERS.toLocaleString('en-US')} are expanded in one run, so none was`,
      { hint: 'a glob takes every file it matches: use fewer, wider globs ("docs/**/*.md")' },
    ),
  );
  return true;
}

/** A store whose members (listed, and matched by globs) pass MAX_STORE_MEMBERS is an error. */
export function checkStoreSizes(ctx: RuleContext, facts: DiskFacts): void {
  for (const store of validEntries(ctx.merged.vector_stores)) {
    const members = store.value.files ?? [];
    let count = members.filter((m) => !isGlobMember(m)).length;
    for (const matches of facts.globs.get(store.name)?.values() ?? []) count += matches.length;
    if (count <= MAX_STORE_MEMBERS) continue;
    ctx.report(
      diagnosticAt(
        store.doc,
        [...store.path, 'files'],
        'TOO_MANY_MEMBERS',
        `vector store "${store.name}" has ${count.toLocaleString('en-US')} members (glob matches included); a store may have at most ${MAX_STORE_MEMBERS.toLocaleString('en-US')}`,
        { at: 'key', hint: 'split the files among several stores' },
      ),
    );
  }
}
