import { toAssistantsError } from '../errors/index.js';
import { redactSecrets, type Secrets } from '../errors/redact.js';
import { renderDiagnostics } from '../render/diagnostics-text.js';
import type { Style } from '../render/style.js';
import { diagnosticJson } from '../render/validation-json.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import type { Io } from './io.js';

/**
 * The one place that turns a thrown error into output and an exit code. User errors print their
 * diagnostics; defects print a short note and, only with --debug, the stack.
 */
export function handleError(
  err: unknown,
  io: Io,
  options: { debug: boolean; json: boolean; style: Style; secrets?: Secrets },
): ExitCode {
  const error = toAssistantsError(err);
  const diagnostics = error.toDiagnostics();
  if (error.kind === 'internal') {
    diagnostics[0] = {
      ...diagnostics[0],
      severity: 'error',
      code: 'INTERNAL',
      message: `internal error: ${error.message}`,
      hint: options.debug
        ? undefined
        : 'this is a defect in assistants-iac; rerun with --debug for details and report it',
    };
  }
  if (options.json) {
    // An error document is a message, not data: redacted in full, like stderr.
    const json = JSON.stringify({ error: true, diagnostics: diagnostics.map(diagnosticJson) }, null, 2);
    io.stdout(`${redactSecrets(json, options.secrets ?? io.env.OPENAI_API_KEY)}\n`);
  } else {
    io.stderr(renderDiagnostics(diagnostics, options.style));
  }
  if (options.debug) {
    // A server's message can quote the key back (masked or not): stderr redacts it (redacting-io.ts).
    const cause = error.cause ?? error;
    const text = cause instanceof Error ? (cause.stack ?? cause.message) : String(cause);
    io.stderr(`${text}\n`);
  }
  return EXIT.ERROR;
}
