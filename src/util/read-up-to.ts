/** The start of a stream of chunks: read until it ended or ran past a limit. */
export interface StreamHead<C> {
  /** The chunks read, in order. */
  chunks: C[];
  bytes: number;
  /** True when the stream ended within the limit; otherwise the rest is still in the iterator. */
  ended: boolean;
}

/**
 * Reads `source` until it ends or more than `limit` bytes came: a body short enough is then handled
 * whole, a longer one goes on as a stream (the chunks read so far first, then the rest of `source`).
 */
export async function readUpTo<C extends Uint8Array>(
  source: AsyncIterator<C>,
  limit: number,
): Promise<StreamHead<C>> {
  const chunks: C[] = [];
  let bytes = 0;
  while (bytes <= limit) {
    const next = await source.next();
    if (next.done) return { chunks, bytes, ended: true };
    chunks.push(next.value);
    bytes += next.value.byteLength;
  }
  return { chunks, bytes, ended: false };
}
