import type { Diagnostic } from '../errors/index.js';
import { pushAll } from '../util/arrays.js';
import { agrees, counted } from '../util/words.js';
import { type ManifestFile, noManifestIn } from './manifest-files.js';
import { mayHoldManifest, NO_VERSION, type Skipped } from './manifest-rule.js';
import { parseManifest } from './parse-manifest.js';
import { readRegularText, readTextHead } from './read-text.js';
import { listed } from './rules/listed.js';
import type { SourceDocument } from './source-document.js';
import { checkYamlBudget, MAX_YAML_DOCUMENTS, MAX_YAML_VALUES, type YamlBudget } from './yaml-budget.js';

/**
 * Bytes one manifest file may have: room for a manifest `import --generate` writes for 100,000
 * store members (about 6.5 MB), while a stray data file (or a hostile one) is refused before it is
 * read, not parsed for minutes.
 */
const MAX_MANIFEST_BYTES = 8 * 1024 * 1024;
/** Bytes all the manifests of one run may have together: a folder of large files is one run too. */
const MAX_MANIFEST_BYTES_IN_ALL = 16 * 1024 * 1024;

/** What the manifests of a run may still hold, and which limit was reached, once one is. */
interface RunBudget {
  bytes: number;
  values: number;
  documents: number;
  reached?: Diagnostic['code'];
}

/**
 * Reads and parses the manifest files in order, all of them within one budget for the run:
 * MAX_MANIFEST_BYTES a file and MAX_MANIFEST_BYTES_IN_ALL together, and MAX_YAML_VALUES values
 * and MAX_YAML_DOCUMENTS documents together, counted before each file is parsed (see
 * checkYamlBudget). So no set of manifests, however many files it spreads over, makes a run take
 * more than seconds and a few hundred MB. The file that passes a limit is a located error, and
 * the files after it are not read (one diagnostic names them). A FIFO or device named like a
 * manifest is refused without being waited on.
 *
 * A file found in a folder is parsed only when its text may hold a manifest, and only its
 * documents that are manifests are kept (see parseManifest): the others come back in `skipped`.
 * A folder that holds no manifest at all is an error naming the rule.
 */
export async function readManifests(files: readonly ManifestFile[]): Promise<{
  /** The files read as manifests: all those given, less those of a folder that hold no manifest. */
  files: ManifestFile[];
  documents: SourceDocument[];
  diagnostics: Diagnostic[];
  skipped: Skipped[];
}> {
  const budget: RunBudget = {
    bytes: MAX_MANIFEST_BYTES_IN_ALL,
    values: MAX_YAML_VALUES,
    documents: MAX_YAML_DOCUMENTS,
  };
  const documents: SourceDocument[] = [];
  const diagnostics: Diagnostic[] = [];
  const skipped: Skipped[] = [];
  const notManifests = new Set<ManifestFile>();
  const unread: string[] = [];
  const folders = new FolderTally();
  for (const file of files) {
    folders.saw(file);
    if (budget.reached) {
      unread.push(file.displayPath);
      folders.failed(file);
      continue;
    }
    const read = await readManifest(file, budget, diagnostics);
    if (read === undefined) {
      folders.failed(file);
      continue;
    }
    if ('skip' in read || (file.folder !== undefined && !mayHoldManifest(read.text))) {
      skipped.push({ file: file.displayPath, reason: 'skip' in read ? read.skip : NO_VERSION });
      folders.skipped(file);
      notManifests.add(file);
      continue;
    }
    const { text } = read;
    const count = checkYamlBudget(text, budget);
    if (count.exceeded) {
      budget.reached = 'YAML_TOO_MANY_VALUES';
      diagnostics.push(overBudget(file, text, count.exceeded));
      folders.failed(file);
      continue;
    }
    budget.bytes -= Buffer.byteLength(text);
    budget.values -= count.values;
    budget.documents -= count.documents;
    const parsed = parseManifest(file, text);
    pushAll(documents, parsed.documents);
    pushAll(diagnostics, parsed.diagnostics);
    pushAll(skipped, parsed.skipped);
    if (parsed.documents.length > 0) folders.read(file);
    else if (file.folder !== undefined && parsed.diagnostics.length === 0) {
      folders.skipped(file);
      notManifests.add(file);
    }
  }
  pushAll(diagnostics, folders.withoutManifests());
  if (budget.reached && unread.length > 0)
    diagnostics.push({
      severity: 'error',
      code: budget.reached,
      message: `${counted(unread.length, 'more manifest file')} ${agrees(unread.length, 'was', 'were')} not read, since the manifests before them reached a limit: ${listed(unread)}`,
      hint: 'see the error above: keep data that is not a manifest out of the folder given with -f',
    });
  return { files: files.filter((file) => !notManifests.has(file)), documents, diagnostics, skipped };
}

/**
 * Per folder that -f named (or the working folder, without -f): whether any manifest was read from
 * it. One that holds none is an error, unless its files could not be read (that error says why).
 */
class FolderTally {
  private readonly folders = new Map<string, { manifests: boolean; failed: boolean; skipped: number }>();

  saw(file: ManifestFile): void {
    if (file.folder !== undefined && !this.folders.has(file.folder))
      this.folders.set(file.folder, { manifests: false, failed: false, skipped: 0 });
  }
  read(file: ManifestFile): void {
    const tally = this.of(file);
    if (tally) tally.manifests = true;
  }
  failed(file: ManifestFile): void {
    const tally = this.of(file);
    if (tally) tally.failed = true;
  }
  skipped(file: ManifestFile): void {
    const tally = this.of(file);
    if (tally) tally.skipped++;
  }
  withoutManifests(): Diagnostic[] {
    return [...this.folders]
      .filter(([, tally]) => !tally.manifests && !tally.failed)
      .map(([folder, tally]) => noManifestIn(folder, tally.skipped));
  }
  private of(file: ManifestFile) {
    return file.folder === undefined ? undefined : this.folders.get(file.folder);
  }
}

/** Bytes of a file too large to read whole that are looked at to tell whether it is a manifest. */
const HEAD_BYTES = 64 * 1024;

/** Why a file of a folder too large to read whole is skipped. */
const LARGE_NOT_MANIFEST = `larger than a manifest may be, with no \`version\` line in its first ${HEAD_BYTES / 1024} KB`;

/**
 * The text of a manifest file (its byte-order mark left out), or undefined with the reason in
 * `diagnostics`. A file of a folder too large to read whole is skipped, not an error, when its
 * start shows it is no manifest: YAML data beside the manifests must not stop the run.
 */
async function readManifest(
  file: ManifestFile,
  budget: RunBudget,
  diagnostics: Diagnostic[],
): Promise<{ text: string } | { skip: string } | undefined> {
  const read = await readRegularText(file.path, Math.min(MAX_MANIFEST_BYTES, budget.bytes));
  // A byte-order mark would shift every column of line 1 by one.
  if ('text' in read) return { text: read.text.replace(/^\uFEFF/, '') };
  if (read.kind === 'too-large' && file.folder !== undefined) {
    const head = await readTextHead(file.path, HEAD_BYTES);
    if (head !== undefined && !mayHoldManifest(head)) return { skip: LARGE_NOT_MANIFEST };
  }
  if (read.kind === 'too-large') {
    const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;
    if (read.bytes > MAX_MANIFEST_BYTES) {
      diagnostics.push({
        severity: 'error',
        code: 'MANIFEST_TOO_LARGE',
        message: `manifest ${file.displayPath} is ${mb(read.bytes)}; manifests may be at most ${MAX_MANIFEST_BYTES / 2 ** 20} MB`,
        hint: 'split it into several files, or keep data that is not a manifest out of the folder given with -f',
      });
    } else {
      budget.reached = 'MANIFEST_TOO_LARGE';
      diagnostics.push({
        severity: 'error',
        code: 'MANIFEST_TOO_LARGE',
        message: `manifest ${file.displayPath} (${mb(read.bytes)}) was not read: with it the manifests would pass ${MAX_MANIFEST_BYTES_IN_ALL / 2 ** 20} MB in all`,
        hint: 'keep data that is not a manifest out of the folder given with -f',
      });
    }
  } else {
    diagnostics.push({
      severity: 'error',
      code: 'MANIFEST_UNREADABLE',
      message:
        read.kind === 'not-regular'
          ? `cannot read manifest ${file.displayPath}: it is not a regular file`
          : `cannot read manifest ${file.displayPath}: ${read.code}`,
    });
  }
  return undefined;
}

/** The located error for a file that passes a limit of checkYamlBudget, at the place it passes it. */
function overBudget(
  file: ManifestFile,
  text: string,
  exceeded: NonNullable<YamlBudget['exceeded']>,
): Diagnostic {
  // Lines end at \n, as the parser's line counter has them (a \r before it is not shown).
  const lineStart = text.lastIndexOf('\n', exceeded.offset - 1) + 1;
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < lineStart; i = text.indexOf('\n', i + 1)) line++;
  const lineEnd = text.indexOf('\n', lineStart);
  const excerpt = text.slice(lineStart, lineEnd === -1 ? undefined : lineEnd).replace(/\r$/, '');
  return {
    severity: 'error',
    code: 'YAML_TOO_MANY_VALUES',
    message:
      exceeded.limit === 'values'
        ? `the manifests hold more than ${MAX_YAML_VALUES.toLocaleString('en-US')} YAML values (counted before they are parsed, up to here); ${file.displayPath} was not read further`
        : `the manifests hold more than ${MAX_YAML_DOCUMENTS.toLocaleString('en-US')} YAML documents; ${file.displayPath} was not read further`,
    hint: 'keep data that is not a manifest out of the manifests; a generated manifest of 100,000 store members holds 400,000 values',
    location: { file: file.displayPath, line, column: exceeded.offset - lineStart + 1 },
    excerpt,
  };
}
