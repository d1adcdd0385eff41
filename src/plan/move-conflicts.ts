import type { Diagnostic } from '../errors/index.js';
import { parseAddress } from '../model/address.js';
import { type AddressMove, type Move, moveMatches } from '../model/moves.js';

/**
 * A plan error for every move the state cannot take: it holds both ends, so moving would drop one
 * of two resources (Terraform refuses this too). Each names the `moved:` entry that asked for it.
 */
export function moveConflictErrors(conflicts: readonly AddressMove[], moves: readonly Move[]): Diagnostic[] {
  return conflicts.map(({ from, to }) => {
    const source = askedBy(from, moves)?.source;
    return {
      severity: 'error',
      code: 'MOVE_TARGET_EXISTS',
      message: `cannot move ${from} to ${to}: the state already holds ${to}`,
      hint: `keep one of them: \`assistants state rm ${to}\` stops managing the one at the destination (nothing is deleted), or drop the moved: entry`,
      ...(source ? { location: source } : {}),
    };
  });
}

/** The move that names `address`, or, for a membership, its store's or its file's. */
function askedBy(address: string, moves: readonly Move[]): Move | undefined {
  const parsed = parseAddress(address);
  const candidates =
    parsed?.kind === 'vector_store_file'
      ? [address, `vector_store.${parsed.store}`, `file.${parsed.file}`]
      : [address];
  for (const candidate of candidates) {
    const found = moves.find((move) => moveMatches(move, candidate));
    if (found) return found;
  }
  return undefined;
}
