import { stat } from 'node:fs/promises';
import path from 'node:path';
import picomatch from 'picomatch';
import { isInside, type PathResolver } from '../confined-path.js';
import { diagnosticAt } from '../diagnostic-at.js';
import { toPosix } from '../file-inspect.js';
import { validEntries } from '../merge.js';
import type { RuleContext } from './context.js';

const OUTSIDE_HINT =
  'apply writes render_to: a reviewed manifest must not write files elsewhere; pass --allow-outside-root if this is intended';

/**
 * Where each agent's `render_to` leads: a path inside the manifest root (after links, unless
 * --allow-outside-root) that is not a folder, a manifest, a file the manifests read or upload
 * (`referenced`, real paths), or another agent's file. Apply writes there, so a reviewed manifest
 * must not be able to point it at anything else. The result is the path relative to the working
 * folder, `/`-separated (what the state records), by agent name.
 */
export async function checkRenderTargets(
  ctx: RuleContext,
  resolverFor: (root: string) => PathResolver,
  referenced: ReadonlySet<string>,
): Promise<Map<string, string>> {
  const { merged, report, options } = ctx;
  const targets = new Map<string, string>();
  const manifests = new Set(ctx.manifests);
  const entries = validEntries(merged.agents).filter((entry) => entry.value.render_to !== undefined);
  const taken = new Map<string, (typeof entries)[number]>();
  // What each glob member would match, with the options the walk uses (no dot files).
  const globs = [...validEntries(merged.vector_stores)].flatMap((store) =>
    (store.value.files ?? []).flatMap((member) =>
      typeof member === 'object' && 'glob' in member
        ? [{ dir: store.doc.dir, pattern: member.glob, matches: picomatch(member.glob, { dot: false }) }]
        : [],
    ),
  );
  for (const entry of entries) {
    const shown = entry.value.render_to as string;
    const at = [...entry.path, 'render_to'];
    const what = `render_to "${shown}" of agent "${entry.name}"`;
    const resolver = resolverFor(entry.doc.file.root);
    const absolute = path.resolve(entry.doc.dir, shown);
    const problem = (
      code: 'PATH_OUTSIDE_ROOT' | 'LINK_LOOP' | 'NOT_A_REGULAR_FILE' | 'INVALID_VALUE',
      message: string,
      hint?: string,
    ) => report(diagnosticAt(entry.doc, at, code, message, hint ? { hint } : {}));
    if (!resolver.allowOutside && !isInside(resolver.root, absolute)) {
      problem('PATH_OUTSIDE_ROOT', `${what} is outside the manifest root ${resolver.root}`, OUTSIDE_HINT);
      continue;
    }
    const resolution = await resolver.resolve(absolute);
    if (resolution.kind === 'outside') {
      problem(
        'PATH_OUTSIDE_ROOT',
        `${what} is a link that leads outside the manifest root ${resolver.root}`,
        OUTSIDE_HINT,
      );
      continue;
    }
    if (resolution.kind === 'missing' && resolution.code === 'ENOTDIR') {
      problem('NOT_A_REGULAR_FILE', `${what} lies below a file, not a folder`);
      continue;
    }
    if (/\.ya?ml$/i.test(shown)) {
      problem(
        'INVALID_VALUE',
        `${what} is a .yaml or .yml file: a later run given the folder with -f would read it as a manifest`,
        'render the request to a .json file',
      );
      continue;
    }
    if (resolution.kind === 'loop') {
      problem('LINK_LOOP', `${what} is a link that leads round in a loop`);
      continue;
    }
    const real = resolution.kind === 'found' ? resolution.real : absolute;
    if (resolution.kind === 'found' && !(resolution.stats ?? (await stat(real, { bigint: true }))).isFile()) {
      problem('NOT_A_REGULAR_FILE', `${what} is not a regular file`);
      continue;
    }
    const globbed = globs.find(
      ({ dir, matches }) => isInside(dir, real) && matches(toPosix(path.relative(dir, real))),
    );
    if (globbed !== undefined) {
      problem(
        'INVALID_VALUE',
        `${what} is a file a glob member of a vector store would match (${globbed.pattern}); a later run would upload it`,
        'render to a folder of its own, such as build/agents/',
      );
      continue;
    }
    if (manifests.has(real) || referenced.has(real)) {
      problem(
        'INVALID_VALUE',
        `${what} is ${manifests.has(real) ? 'a manifest file' : 'a file the manifests read or upload'}; apply would overwrite it`,
        'render_to names a file of its own, such as build/agents/NAME.json',
      );
      continue;
    }
    const first = taken.get(real);
    if (first) {
      report(
        diagnosticAt(
          entry.doc,
          at,
          'DUPLICATE_NAME',
          `agents "${first.name}" and "${entry.name}" render to the same file "${shown}"`,
          {
            related: [
              { message: 'first one here', location: first.doc.locate([...first.path, 'render_to']) },
            ],
          },
        ),
      );
      continue;
    }
    taken.set(real, entry);
    targets.set(entry.name, toPosix(path.relative(options.cwd, real)) || '.');
  }
  return targets;
}
