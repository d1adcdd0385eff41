import { AssistantsError } from '../errors/index.js';

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;

/**
 * Parses a duration flag (`--lock-timeout`, `--wait-timeout`) into milliseconds: a number with a
 * unit, `500ms`, `30s`, `1.5s`, `2m`, `1h`, or several in a row, largest first as Go and Terraform
 * write them (`1m30s`); a bare `0` means no wait. Anything else is a USAGE error naming `flag`.
 * The result is a whole, finite, non-negative number of milliseconds.
 */
export function parseDuration(text: string, flag = 'duration'): number {
  const trimmed = text.trim();
  if (/^0+$/.test(trimmed)) return 0;
  const part = /(\d+(?:\.\d+)?)(ms|s|m|h)/y;
  let total = 0;
  let last = Number.POSITIVE_INFINITY;
  let at = 0;
  while (at < trimmed.length) {
    part.lastIndex = at;
    const match = part.exec(trimmed);
    const unit = match?.[2] as keyof typeof UNIT_MS | undefined;
    // Each unit once, largest first: `30s1m` is more likely a typo than a duration.
    if (!match || unit === undefined || UNIT_MS[unit] >= last) throw invalid(text, flag);
    last = UNIT_MS[unit];
    total += Number(match[1]) * UNIT_MS[unit];
    at = part.lastIndex;
  }
  if (trimmed === '' || !Number.isFinite(total)) throw invalid(text, flag);
  return Math.round(total);
}

function invalid(text: string, flag: string): AssistantsError {
  const bare = /^\d+(\.\d+)?$/.test(text.trim());
  return new AssistantsError('USAGE', `${flag} takes a duration, not '${text}'`, {
    hint: bare
      ? `give a unit: ${text.trim()}s, ${text.trim()}ms, ${text.trim()}m or ${text.trim()}h`
      : 'write a number and a unit: 500ms, 30s, 2m, 1h (or 1m30s); 0 means no wait',
  });
}
