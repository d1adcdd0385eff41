import type { Diagnostic } from '../../errors/index.js';
import type { Desired } from '../../model/desired.js';
import { KINDS, type ResourceKind } from '../../model/kinds.js';
import { isPrefix, type Move, movedAddress, moveKind } from '../../model/moves.js';
import { diagnosticAt } from '../diagnostic-at.js';
import type { MoveEntry } from '../merge.js';
import type { RuleContext } from './context.js';

/** The `moved:` entries: well formed first (checkMoveForms), then against what is declared (checkMoveTargets). */

/** Kinds whose names may hold a `/`, so that a prefix move can name several of them. */
const PREFIX_KINDS: readonly ResourceKind[] = ['file', 'vector_store_file'];

const FORMS_HINT =
  'write KIND.NAME on both sides (vector_store.kb → vector_store.support-kb), or two prefixes ending in / (file.docs/ → file.guides/)';

/**
 * Each move on its own and against the others: both ends addresses of one kind (or both prefixes of
 * file or membership addresses), not the same address, no address moved from twice, and no cycle
 * (a chain is followed; a cycle, or a prefix moved into itself, would never end).
 */
export function checkMoveForms(ctx: RuleContext): void {
  const seen = new Map<string, MoveEntry>();
  const sound: MoveEntry[] = [];
  for (const entry of ctx.merged.moved) {
    const problem = formProblem(entry.value.from, entry.value.to);
    if (problem) {
      ctx.report(diagnosticAt(entry.doc, entry.path, 'MOVE_INVALID', problem, { hint: FORMS_HINT }));
      continue;
    }
    const first = seen.get(entry.value.from);
    if (first) {
      ctx.report(
        diagnosticAt(
          entry.doc,
          [...entry.path, 'from'],
          'MOVE_INVALID',
          `${entry.value.from} is moved twice`,
          {
            related: [{ message: 'first moved here', location: first.doc.locate([...first.path, 'from']) }],
            hint: 'keep one move from each address (a chain is written a → b, b → c)',
          },
        ),
      );
      continue;
    }
    seen.set(entry.value.from, entry);
    sound.push(entry);
  }
  for (const entry of inCycles(sound))
    ctx.report(
      diagnosticAt(
        entry.doc,
        entry.path,
        'MOVE_CYCLE',
        `moving ${entry.value.from} to ${entry.value.to} leads back to where it started`,
        { hint: 'moves are followed from one to the next: drop or change one so that the chain ends' },
      ),
    );
}

/** Why a move is not well formed, or undefined. */
function formProblem(from: string, to: string): string | undefined {
  const fromKind = moveKind(from);
  const toKind = moveKind(to);
  if (!fromKind) return `${from} is not a resource address or a prefix of one`;
  if (!toKind) return `${to} is not a resource address or a prefix of one`;
  if (fromKind !== toKind) return `${from} and ${to} are of different kinds (${fromKind}, ${toKind})`;
  if (isPrefix(from) !== isPrefix(to))
    return `${isPrefix(from) ? from : to} is a prefix (it ends in /) and ${isPrefix(from) ? to : from} is not: write both as prefixes or neither`;
  if (isPrefix(from) && !PREFIX_KINDS.includes(fromKind))
    return `${from}: only ${PREFIX_KINDS.map((k) => KINDS[k].addressForm).join(' and ')} names hold a /, so a ${fromKind} prefix moves nothing`;
  if (from === to) return `${from} is moved to itself`;
  return undefined;
}

/**
 * Whether what `a` moves to may be moved on by `b`: the addresses `a` leads to and those `b` takes
 * overlap (an exact address, or one prefix starting with the other).
 */
function leadsInto(a: Move, b: Move): boolean {
  if (!isPrefix(a.to)) return isPrefix(b.from) ? a.to.startsWith(b.from) : a.to === b.from;
  return isPrefix(b.from) ? a.to.startsWith(b.from) || b.from.startsWith(a.to) : b.from.startsWith(a.to);
}

/** The moves on a cycle of leadsInto (a prefix moved into itself is one on its own). */
function inCycles(entries: readonly MoveEntry[]): MoveEntry[] {
  const moves = entries.map((e) => e.value);
  const next = moves.map((a) => moves.flatMap((b, j) => (leadsInto(a, b) ? [j] : [])));
  const reaches = (start: number): boolean => {
    const seen = new Set<number>();
    const todo = [...(next[start] ?? [])];
    while (todo.length > 0) {
      const at = todo.pop() as number;
      if (at === start) return true;
      if (seen.has(at)) continue;
      seen.add(at);
      todo.push(...(next[at] ?? []));
    }
    return false;
  };
  return entries.filter((_, i) => reaches(i));
}

/**
 * The moves against the desired model (once it is built): where a chain of moves ends must be
 * declared (for a prefix: at least one address under it), and what is moved away from must not be
 * declared any more (a resource cannot be both renamed and kept).
 */
export function checkMoveTargets(moved: readonly MoveEntry[], desired: Desired): Diagnostic[] {
  const declared = new Set<string>([
    ...desired.files.map((f) => f.address),
    ...desired.vectorStores.map((s) => s.address),
    ...desired.memberships.map((m) => m.address),
    ...desired.assistants.map((a) => a.address),
    ...desired.skills.map((s) => s.address),
    ...desired.agents.map((a) => a.address),
  ]);
  const moves = desired.moves ?? [];
  const under = (prefix: string) => [...declared].find((address) => address.startsWith(prefix));
  const diagnostics: Diagnostic[] = [];
  for (const entry of moved) {
    const { from, to } = entry.value;
    if (isPrefix(from)) {
      const still = under(from);
      if (still)
        diagnostics.push(
          diagnosticAt(
            entry.doc,
            [...entry.path, 'from'],
            'MOVE_SOURCE_DECLARED',
            `${still} is still declared, and ${from} moves every address under it`,
            {
              hint: 'move the files on disk (or rename them in the manifests) before moving their addresses',
            },
          ),
        );
      const chained = moves.some(
        (m) => m.from !== from && isPrefix(m.from) && (m.from.startsWith(to) || to.startsWith(m.from)),
      );
      if (!under(to) && !chained)
        diagnostics.push(
          diagnosticAt(
            entry.doc,
            [...entry.path, 'to'],
            'MOVE_TARGET_UNDECLARED',
            `the manifests declare no address under ${to}`,
            {
              hint: 'a move must lead to resources the manifests declare: check the prefix, and that the files were moved on disk',
            },
          ),
        );
      continue;
    }
    if (declared.has(from))
      diagnostics.push(
        diagnosticAt(
          entry.doc,
          [...entry.path, 'from'],
          'MOVE_SOURCE_DECLARED',
          `${from} is still declared in the manifests`,
          {
            hint: `rename it to ${to} in the manifests, or drop the moved: entry`,
          },
        ),
      );
    const end = movedAddress(to, moves);
    if (!declared.has(end))
      diagnostics.push(
        diagnosticAt(
          entry.doc,
          [...entry.path, 'to'],
          'MOVE_TARGET_UNDECLARED',
          end === to
            ? `${to} is not declared in the manifests`
            : `${to} moves on to ${end}, which is not declared in the manifests`,
          { hint: 'a move must lead to a resource the manifests declare' },
        ),
      );
  }
  return diagnostics;
}
