import { type FileHandle, writeFile } from 'node:fs/promises';

/**
 * About 1 MB of text per write: writing a whole state at once first encodes all of it into one
 * buffer (20 MB for 20,000 files), the largest allocation of an apply, at its memory peak.
 */
const PIECE_CHARS = 2 ** 20;

/** Writes `text` as UTF-8 at the handle's position in pieces, never cutting a surrogate pair in two. */
export function writeInPieces(handle: FileHandle, text: string, pieceChars = PIECE_CHARS): Promise<void> {
  // writeFile encodes and writes one piece at a time, and finishes a piece the disk took in part.
  return writeFile(handle, pieces(text, pieceChars), 'utf8');
}

function* pieces(text: string, pieceChars: number): Generator<string> {
  for (let start = 0; start < text.length; ) {
    let end = Math.min(text.length, start + pieceChars);
    const last = text.charCodeAt(end - 1);
    // A piece ending in the first half of a pair ends before it (or, being only that, after it).
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end += end - 1 > start ? -1 : 1;
    yield text.slice(start, end);
    start = end;
  }
}
