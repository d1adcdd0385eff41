import { redactSecrets, type Secrets } from '../errors/redact.js';
import type { Io } from './io.js';

/**
 * `io` with every write to stdout and stderr passed through `redactSecrets`: the one gate between
 * the CLI and its output, so no error, hint, stack, plan, JSON document or progress line can show
 * the key or a URL's credentials, whichever code printed it. `secrets` is asked at each write,
 * since the flags that name a base URL are parsed after the CLI starts.
 */
export function redactingIo(io: Io, secrets: () => Secrets): Io {
  return {
    ...io,
    stdout: (text) => io.stdout(redactSecrets(text, secrets())),
    stderr: (text) => io.stderr(redactSecrets(text, secrets())),
  };
}
