import type { ApplyEventSink } from '../apply/events.js';
import { createApplyProgress, type ProgressMode } from '../render/apply-progress.js';
import { renderDiagnostics } from '../render/diagnostics-text.js';
import type { Style } from '../render/style.js';
import type { Io } from './io.js';

/**
 * Runs work that emits apply events with progress on screen (a line per call with `verbose`) and
 * SIGINT/SIGTERM turned into a stop signal (no new calls; those in flight finish). The progress is
 * finished, and the signal handler removed, before this returns or throws. A further signal while stopping ends the process at once
 * (exit 130, the state lock released; see listenForStop): the progress is then left as drawn, with
 * the cursor shown, and a line on stderr says that the next apply settles the calls left unconfirmed.
 */
export async function withProgress<T>(
  io: Io,
  style: Style,
  work: (sink: ApplyEventSink, stop: AbortSignal) => Promise<T>,
  options: { verbose?: boolean } = {},
): Promise<{ result: T; interrupted: boolean }> {
  const stop = new AbortController();
  const progress = createApplyProgress(io, {
    style,
    mode: progressMode(io),
    verbose: options.verbose === true,
  });
  const unsubscribe = io.onStop(
    (signal) => {
      progress.sink({ type: 'stopping', signal });
      stop.abort();
    },
    {
      onForce: (signal) => {
        progress.abandon();
        io.stderr(
          renderDiagnostics(
            [
              {
                severity: 'error',
                code: 'APPLY_ABORTED',
                message: `stopped at once on a second signal (${signal}), without waiting for the calls in flight; the state lists those not confirmed, and the next apply settles them.`,
              },
            ],
            style,
          ),
        );
      },
    },
  );
  try {
    const result = await work(progress.sink, stop.signal);
    return { result, interrupted: stop.signal.aborted };
  } finally {
    unsubscribe();
    await progress.finish();
  }
}

/** `tty` when stdout and stderr are terminals and CI is not `true` (any case) or `1`; else `plain`. */
export function progressMode(io: Io): ProgressMode {
  const ci = io.env.CI?.toLowerCase();
  return io.isTTY && ci !== 'true' && ci !== '1' ? 'tty' : 'plain';
}
