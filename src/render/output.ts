/**
 * Where renderers write: the CLI adapts its process (or a test's capture) to this, so that render
 * depends on nothing of the CLI.
 */
export interface Output {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /**
   * The terminal's size while stdout is one, read when asked (live progress fits its redraws to it);
   * undefined otherwise. Optional: fakes leave it out and renderers assume 80 x 24.
   */
  terminalSize?: () => { columns: number; rows: number } | undefined;
}
