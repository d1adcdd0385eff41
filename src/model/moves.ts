import type { SourceLocation } from '../errors/index.js';
import { type Address, membershipAddress, parseAddress } from './address.js';
import type { ResourceKind } from './kinds.js';

/**
 * A rename (Terraform's `moved` block): what the state holds at `from` is held at `to` from now on,
 * with no call to the API for the move itself. An address ending in `/` is a prefix: every address
 * of the kind that starts with it moves to the same rest under `to` (`file.docs/` → `file.guides/`
 * takes `file.docs/a.md` to `file.guides/a.md`). Memberships (`vector_store_file.STORE/FILE`)
 * follow the moves of their store and of their file.
 */
export interface Move {
  from: Address;
  to: Address;
  /** The manifest entry that asked for it; absent for `state mv`. */
  source?: SourceLocation;
}

/** One state address taken to another (what a plan records and apply writes). */
export interface AddressMove {
  from: Address;
  to: Address;
}

/** True for a prefix move's address (see Move). */
export function isPrefix(address: string): boolean {
  return address.endsWith('/');
}

/**
 * The kind of a move's address, when it is well formed: a resource address, or a prefix that an
 * address continues (`file.docs/`). Undefined otherwise.
 */
export function moveKind(address: string): ResourceKind | undefined {
  return parseAddress(isPrefix(address) ? `${address}x` : address)?.kind;
}

/** Whether `move` applies to `address` itself (exactly, or as a prefix of it). */
export function moveMatches(move: Pick<Move, 'from'>, address: Address): boolean {
  return isPrefix(move.from) ? address.startsWith(move.from) && address !== move.from : address === move.from;
}

/** The move that applies to `address`: an exact one first, then the longest prefix. */
function bestMove(address: Address, moves: readonly Move[]): Move | undefined {
  let found: Move | undefined;
  for (const move of moves) {
    if (!moveMatches(move, address)) continue;
    if (!isPrefix(move.from)) return move;
    if (!found || move.from.length > found.from.length) found = move;
  }
  return found;
}

/**
 * Where `address` ends up after `moves`, following chains (`a` → `b`, `b` → `c` takes `a` to `c`,
 * as Terraform does with moved blocks kept from earlier renames); `address` itself when no move
 * applies. Validation refuses cycles; a chain longer than the list of moves stops there anyway.
 */
function followMoves(address: Address, moves: readonly Move[]): Address {
  let at = address;
  for (let step = 0; step < moves.length; step++) {
    const move = bestMove(at, moves);
    if (!move) break;
    at = isPrefix(move.from) ? `${move.to}${at.slice(move.from.length)}` : move.to;
  }
  return at;
}

/**
 * Where a state address goes under `moves` (see followMoves). A membership named by no move of its
 * own follows its store's moves and its file's: `vector_store_file.kb/docs/a.md` goes to
 * `vector_store_file.support-kb/guides/a.md` under `vector_store.kb` → `vector_store.support-kb`
 * and `file.docs/` → `file.guides/`.
 */
export function movedAddress(address: Address, moves: readonly Move[]): Address {
  if (moves.length === 0) return address;
  const own = followMoves(address, moves);
  if (own !== address) return own;
  const parsed = parseAddress(address);
  if (parsed?.kind !== 'vector_store_file') return address;
  const store = followMoves(`vector_store.${parsed.store}`, moves).slice('vector_store.'.length);
  const file = followMoves(`file.${parsed.file}`, moves).slice('file.'.length);
  return membershipAddress(store, file);
}
