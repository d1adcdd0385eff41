import { redactSecrets, type Secrets } from '../errors/redact.js';
import type { Io } from './io.js';

/**
 * `io` with every write to stdout and stderr passed through `redactSecrets`: the one gate between
 * the CLI and its output, so no error, hint, stack, plan, JSON document or progress line can show
 * the key or the configured URL's credentials, whichever code printed it (stderr also loses
 * anything shaped like a key or a URL's credentials). `secrets` is asked at each write,
 * since the flags that name a base URL are parsed after the CLI starts.
 */
export function redactingIo(io: Io, secrets: () => Secrets): Io {
  return {
    ...io,
    // stdout carries data (plans, JSON, ids, instructions): only the secrets this process knows
    // are taken out there, so a user's `ssh://git@host` stays as written. Messages that quote a
    // server (errors) are redacted in full where they are made, and on stderr.
    stdout: (text) => io.stdout(redactSecrets(text, secrets(), { shapes: false })),
    stderr: (text) => io.stderr(redactSecrets(text, secrets())),
  };
}
