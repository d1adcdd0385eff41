import type { Diagnostic } from '../../errors/index.js';
import type { Skipped } from '../manifest-rule.js';
import type { MergedManifest } from '../merge.js';

export interface ValidateOptions {
  /** The working folder: -f paths resolve against it and displayed paths are relative to it. */
  cwd: string;
  /** Variables for `${env:NAME}`. */
  env: Readonly<Record<string, string | undefined>>;
  /** Accept referenced paths that resolve outside the manifest root. */
  allowOutsideRoot?: boolean;
  /** Told of each YAML document found in a folder and skipped as no manifest (for --debug). */
  onSkipped?: (skipped: Skipped) => void;
}

/** What every semantic rule gets: the merged manifest, the options, and where to report findings. */
export interface RuleContext {
  merged: MergedManifest;
  /** Real paths of every manifest file read. */
  manifests: readonly string[];
  options: ValidateOptions;
  report: (diagnostic: Diagnostic) => void;
}
