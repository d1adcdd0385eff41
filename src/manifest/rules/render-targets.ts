import { stat } from 'node:fs/promises';
import path from 'node:path';
import { isInside, type PathResolver } from '../confined-path.js';
import { diagnosticAt } from '../diagnostic-at.js';
import { OUTSIDE_ROOT_HINT, toPosix } from '../file-inspect.js';
import { validEntries } from '../merge.js';
import type { RuleContext } from './context.js';

/**
 * Where each agent's `render_to` leads: a path inside the manifest root (after links, unless
 * --allow-outside-root) that is not a folder, a manifest, or another agent's file. Apply writes
 * there, so a reviewed manifest must not be able to point it at anything else. The result is the
 * path relative to the working folder, `/`-separated (what the state records), by agent name.
 */
export async function checkRenderTargets(
  ctx: RuleContext,
  resolverFor: (root: string) => PathResolver,
): Promise<Map<string, string>> {
  const { merged, report, options } = ctx;
  const targets = new Map<string, string>();
  const manifests = new Set<string>();
  for (const section of [merged.files, merged.vector_stores, merged.assistants, merged.agents])
    for (const entry of section.values()) manifests.add(entry.doc.file.path);
  const taken = new Map<string, (typeof entries)[number]>();
  const entries = validEntries(merged.agents).filter((entry) => entry.value.render_to !== undefined);
  for (const entry of entries) {
    const shown = entry.value.render_to as string;
    const at = [...entry.path, 'render_to'];
    const resolver = resolverFor(entry.doc.file.root);
    const absolute = path.resolve(entry.doc.dir, shown);
    const problem = (code: 'PATH_OUTSIDE_ROOT' | 'LINK_LOOP' | 'NOT_A_REGULAR_FILE', message: string) =>
      report(
        diagnosticAt(
          entry.doc,
          at,
          code,
          message,
          code === 'PATH_OUTSIDE_ROOT' ? { hint: OUTSIDE_ROOT_HINT } : {},
        ),
      );
    if (!resolver.allowOutside && !isInside(resolver.root, absolute)) {
      problem(
        'PATH_OUTSIDE_ROOT',
        `render_to "${shown}" of agent "${entry.name}" is outside the manifest root ${resolver.root}`,
      );
      continue;
    }
    const resolution = await resolver.resolve(absolute);
    if (resolution.kind === 'outside') {
      problem(
        'PATH_OUTSIDE_ROOT',
        `render_to "${shown}" of agent "${entry.name}" is a link that leads outside the manifest root ${resolver.root}`,
      );
      continue;
    }
    if (resolution.kind === 'loop') {
      problem(
        'LINK_LOOP',
        `render_to "${shown}" of agent "${entry.name}" is a link that leads round in a loop`,
      );
      continue;
    }
    const real = resolution.kind === 'found' ? resolution.real : absolute;
    if (resolution.kind === 'found' && !(resolution.stats ?? (await stat(real, { bigint: true }))).isFile()) {
      problem('NOT_A_REGULAR_FILE', `render_to "${shown}" of agent "${entry.name}" is not a regular file`);
      continue;
    }
    if (manifests.has(real)) {
      problem(
        'NOT_A_REGULAR_FILE',
        `render_to "${shown}" of agent "${entry.name}" is a manifest file; apply would overwrite it`,
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
