/**
 * Models whose API rejects sampling parameters (and accepts `reasoning_effort`): the o-series and
 * gpt-5 family, fine-tuned ones included, except the `-chat` variants (`gpt-5-chat-latest`,
 * `gpt-5.1-chat-latest`), which are not reasoning models and take temperature. Reasoning models'
 * assistants report temperature and top_p as null; the others report the default 1. Both the
 * emulator and the planner's normalisation rely on this.
 */
export function isReasoningModel(model: string): boolean {
  const base = model.startsWith('ft:') ? (model.split(':')[1] ?? '') : model;
  return /^(o\d|gpt-5)/.test(base) && !/-chat(-|$)/.test(base);
}

/** What the API reports for an unset temperature or top_p of an assistant on `model`. */
export function defaultSampling(model: string): number | null {
  return isReasoningModel(model) ? null : 1;
}
