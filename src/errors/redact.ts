/**
 * Removes anything that looks like an API key from text bound for output: some servers quote a
 * (partly masked) key back in 401 messages, and the key must never reach output, logs or files.
 */
export function redactSecrets(text: string, apiKey: string | undefined): string {
  const out = apiKey && apiKey.length >= 4 ? text.split(apiKey).join('[redacted]') : text;
  return out.replace(/\bsk-[A-Za-z0-9_*.-]{3,}/g, 'sk-[redacted]');
}
