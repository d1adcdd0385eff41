import { AssistantsError } from '../errors/index.js';

/** The workspace a run uses when neither --workspace nor ASSISTANTS_WORKSPACE names one. */
export const DEFAULT_WORKSPACE = 'default';

/** Plain names only: a workspace becomes a folder name and a key in a shared backend. */
const WORKSPACE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;

/** `name` when it is a usable workspace name, else WORKSPACE_INVALID. */
export function checkWorkspaceName(name: string): string {
  if (WORKSPACE_NAME.test(name)) return name;
  throw new AssistantsError('WORKSPACE_INVALID', `"${name}" is not a workspace name`, {
    hint: 'letters, digits, - and _, starting with a letter or digit, at most 63 characters (for example staging, prod-eu)',
  });
}
