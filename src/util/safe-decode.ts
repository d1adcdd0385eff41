/** Percent-encoded text decoded; text that is not valid encoding is kept as written. */
export function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
