import { readUpTo } from '../util/read-up-to.js';
import { WHOLE_READ_BYTES } from './writer-files.js';

type Fetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/**
 * A streamed request body that ends within this many bytes is sent as one buffer: the SDK streams
 * every upload's multipart body, and a small file the writer reads whole (WHOLE_READ_BYTES) is
 * then a few parts of form around it, well within 64 KiB more.
 */
const WHOLE_BODY_BYTES = WHOLE_READ_BYTES + 64 * 1024;

/**
 * A fetch that sends a short streamed body whole. fetch writes each chunk of a stream to the socket
 * apart, as a chunked body: for a small upload, half a dozen writes and system calls and as many
 * turns of the stream machinery. Read whole first, it goes out with its length, in one write. A body
 * that runs past WHOLE_BODY_BYTES is sent as a stream as before, the chunks read so far first, so a
 * large file is still never held whole.
 */
export function wholeBodyFetch(inner: Fetch): Fetch {
  return async (input, init) => {
    const body = init?.body;
    if (!(body instanceof ReadableStream)) return inner(input, init);
    const source = (body as ReadableStream<Uint8Array>)[Symbol.asyncIterator]();
    const head = await readUpTo(source, WHOLE_BODY_BYTES);
    if (head.ended) return inner(input, { ...init, body: Buffer.concat(head.chunks, head.bytes) });
    const rest = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of head.chunks.splice(0)) controller.enqueue(chunk);
      },
      async pull(controller) {
        const next = await source.next();
        if (next.done) controller.close();
        else controller.enqueue(next.value);
      },
      cancel: async () => {
        await source.return?.();
      },
    });
    return inner(input, { ...init, body: rest });
  };
}
