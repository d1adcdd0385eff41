/**
 * The registry of diagnostic and error codes. Codes are stable: tests, CI scripts and users grep for
 * them, so a code is never renamed or reused; retire one by leaving it here unused.
 */
export const ERROR_CODES = {
  // Reading manifests
  MANIFEST_NOT_FOUND: 'a manifest file or folder given with -f does not exist',
  NO_MANIFESTS:
    'a folder (given with -f, or the working folder without it) holds no manifest: no YAML document with a top-level version: and a section',
  NOT_A_MANIFEST:
    'a YAML document of a file named with -f has none of the manifest sections (nor version: 1): a docker-compose.yml, say',
  MANIFEST_UNREADABLE: 'a manifest file could not be read',
  YAML_SYNTAX: 'the YAML is not well-formed',
  YAML_DUPLICATE_KEY: 'a mapping has the same key twice',
  MANIFEST_TOO_LARGE:
    'a manifest file is larger than manifests may be (8 MB), or all of them together (16 MB)',
  YAML_ALIAS: 'an alias that refers to the value holding it, or aliases that expand a document too far',
  YAML_TOO_DEEP: 'values nested deeper than manifests may nest (64 levels)',
  YAML_TOO_MANY_VALUES:
    'the manifests of a run hold more YAML values (500,000) or documents (1,000) than they may, counted before they are parsed',
  TOO_MANY_DIAGNOSTICS:
    'more findings than are reported: the first 1,000 errors (and warnings) are shown, the rest counted',
  // Schema
  TYPE_MISMATCH: 'a value has the wrong type',
  MISSING_FIELD: 'a required field is absent',
  UNKNOWN_KEY: 'a key the manifest format does not define',
  INVALID_VALUE: 'a value is not one of those allowed or does not match the expected form',
  OUT_OF_RANGE: 'a value, a length or a count is outside the limits of the API',
  INVALID_NAME: 'a resource name does not match the allowed form',
  // Interpolation
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the text names the syntax itself
  ENV_UNSET: '${env:NAME} names an unset variable and gives no default',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the text names the syntax itself
  INVALID_INTERPOLATION: 'a ${...} expression that is not ${env:NAME} or ${env:NAME:-default}',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the text names the syntax itself
  SECRET_IN_MANIFEST: 'an ${env:...} that would copy a secret into plans and the state',
  // Merging and references
  DUPLICATE_NAME: 'a resource name is defined twice',
  STACK_CONFLICT: 'manifest files name different stacks',
  UNDEFINED_REFERENCE: 'a reference to a name that is not defined',
  DUPLICATE_MEMBER: 'a file is listed twice in one vector store',
  RESERVED_METADATA_KEY: 'a metadata key that the ownership stamp uses',
  // Moves (`moved:` and `state mv`)
  MOVE_INVALID:
    'a move whose addresses are not resource addresses (or prefixes ending in /) of one kind, or that names an address twice',
  MOVE_CYCLE: 'moves that lead back to where they started (a chain of moves is followed; a cycle has no end)',
  MOVE_TARGET_UNDECLARED: 'a move to an address that the manifests do not declare',
  MOVE_SOURCE_DECLARED: 'a move from an address that the manifests still declare',
  MOVE_TARGET_EXISTS:
    'a move onto an address that the state already holds (plan: both ends are in the state; state mv: the destination is)',
  MOVE_EXCLUDED_BY_TARGET: 'a plan with --target that leaves out resources the manifests move',
  // Tools
  DUPLICATE_FUNCTION_NAME: 'two function tools of one assistant share a name',
  DUPLICATE_TOOL: 'an assistant lists a built-in tool twice',
  INVALID_JSON_SCHEMA: 'function parameters or a response schema that do not compile as JSON Schema',
  STRICT_SCHEMA_INVALID: 'a strict schema that breaks the rules of strict mode',
  TOOL_RESOURCE_WITHOUT_TOOL: 'tool_resources for a tool the assistant does not have',
  // Files on disk
  FILE_NOT_FOUND: 'a referenced path does not exist',
  NOT_A_REGULAR_FILE: 'a referenced path is a folder or a special file',
  FILE_TOO_LARGE: 'a file is larger than the API accepts',
  UNSUPPORTED_FILE_NAME:
    'a file to upload whose name holds ", \\, CR or LF, which the upload cannot carry as written',
  UNSUPPORTED_FILE_TYPE: 'a file type that the tool using it cannot read',
  GLOB_NO_MATCH: 'a glob member matches no file',
  TOO_MANY_MEMBERS:
    'more glob members (1,000) or folder entries read by globs (1,000,000) than one run handles, or more members in one vector store than it may have (200,000)',
  PATH_OUTSIDE_ROOT: 'a path that resolves outside the manifest root',
  LINK_LOOP: 'a link that loops, or (a warning) a folder link a glob does not follow because it leads back',
  DUPLICATE_FILE: 'two entries under files: name the same file on disk with the same purpose',
  FILE_UNREADABLE: 'a file to upload could not be read',
  // Skills on disk
  SKILL_NOT_A_FOLDER: "a skill's path that is a file or a special file, not a folder",
  SKILL_MD_MISSING: "a skill's folder with no SKILL.md file at its top",
  SKILL_FRONT_MATTER_INVALID:
    "a skill's SKILL.md that does not begin with YAML front matter setting name and description to non-empty strings",
  SKILL_TOO_MANY_FILES:
    "a skill's folder holding more than 500 files (the API's limit for one version), or more than 10,000 entries",
  SKILL_TOO_LARGE: "a skill's files larger than 50 MB in all",
  DUPLICATE_SKILL_NAME:
    'two skills whose SKILL.md front matter sets the same name (the API names skills by it)',
  // Emulator
  EMULATOR_START_FAILED: 'the emulator could not listen on its address or read its --data folder',
  // State
  STATE_CORRUPT: 'the state file is not valid JSON or not a state document',
  STATE_VERSION_UNSUPPORTED: 'the state file was written by a newer assistants-iac',
  STATE_WRITE_FAILED: 'the state file could not be written',
  STATE_LOCKED: 'another run holds the state lock',
  STATE_JOURNAL_CORRUPT:
    'the journal beside the state (state.journal) holds a line that is not a journal event, or its lines are out of order',
  STATE_JOURNAL_MISMATCH:
    'the journal beside the state was written on top of another state (another lineage, or another serial)',
  LOCK_NOT_FOUND: 'force-unlock named a lock that is not held, or is held under another id',
  LOCK_HOLDER_ALIVE:
    'force-unlock named the lock of a run still running on this host (--force removes it anyway)',
  STATE_NOT_A_FILE:
    'the state path, its lock, backup or hash cache is a folder, pipe, socket or device, or lies under a file',
  STACK_MISMATCH: 'the state belongs to another stack than the manifests name',
  RESOURCE_NOT_IN_STATE: 'an address that the state does not hold',
  INVALID_ADDRESS: 'a string that is not a resource address',
  STATE_URL_INVALID: 'a postgres:// state URL that cannot be used (no host, a schema name that is not plain)',
  STATE_BACKEND_UNAVAILABLE:
    'the PostgreSQL state backend could not be reached, refused the login, or dropped the connection',
  STATE_BACKEND_UNSUPPORTED:
    'the PostgreSQL state backend is reached through a transaction-mode pooler, where session locks do not hold',
  STATE_CONFLICT: 'the state was written by another run since this one read it (a lost update, refused)',
  STATE_PUSH_REFUSED: 'state push of a document of another lineage, or of an older serial, without --force',
  STATE_NOT_FOUND: 'output with no state where --state and --workspace point (nothing applied there)',
  STATE_STACK_UNKNOWN: 'a PostgreSQL state command that cannot tell which stack it is about',
  WORKSPACE_INVALID: 'a workspace name that is not a plain name (letters, digits, - and _)',
  WORKSPACE_NOT_EMPTY:
    'workspace delete of a workspace whose state still holds resources, or records skills it let go with state rm',
  WORKSPACE_NOT_FOUND: 'workspace delete of a workspace that has no state',
  // API
  API_KEY_MISSING: 'OPENAI_API_KEY is not set and the command needs the API',
  API_UNAUTHORIZED: 'the API refused the key (401 or 403)',
  API_UNREACHABLE: 'the API could not be reached',
  API_ERROR: 'the API answered with an error',
  API_QUOTA_EXCEEDED:
    'the API refused a call for quota or billing (insufficient_quota): waiting does not help',
  BASE_URL_INVALID: '--base-url or OPENAI_BASE_URL is not an http(s) URL, or holds a user name or password',
  ASSISTANTS_SUNSET: 'the endpoint no longer serves the Assistants API',
  SKILLS_UNSUPPORTED: 'the endpoint does not serve the skills API (/skills answered 404)',
  // Plan
  PROTECTED_RESOURCE: 'the plan would delete or replace a resource marked protect',
  PLAN_FILE_UNWRITABLE: 'the saved plan file could not be written',
  TARGET_NOT_FOUND: '(warning) a --target address that neither the manifests nor the state hold',
  REPLACE_NOT_FOUND: '(warning) a --replace address that is not made yet, or that the plan deletes',
  PENDING_OPERATIONS: '(warning) an earlier apply stopped with calls whose outcome is not recorded yet',
  UNMANAGED_MEMBERS: '(warning) a managed vector store holds files attached outside assistants-iac',
  MANAGED_ID_BY_VALUE: '(warning) a raw id in the manifests names a managed resource the plan removes',
  STORE_EXPIRES_SOON: '(warning) a store an assistant relies on expires within 7 days unless used',
  INDEXING_FAILED: 'a file failed to index in a store (a warning in plans); last_error says why',
  // Apply
  APPROVAL_REQUIRED: 'apply or destroy without --auto-approve where no one can answer the prompt',
  APPLY_CANCELLED: 'the prompt was answered with something other than yes, or interrupted (Ctrl-C)',
  PLAN_STALE: 'a saved plan whose state or manifests moved on since it was made',
  PLAN_FILE_INVALID: 'a saved plan file that cannot be read or was not written by assistants-iac',
  WAIT_TIMEOUT: 'vector-store indexing did not finish within --wait-timeout',
  APPLY_INTERRUPTED: 'apply stopped on SIGINT or SIGTERM after finishing the calls in flight',
  APPLY_ABORTED: 'a second SIGINT or SIGTERM ended apply at once; the next apply settles the calls left open',
  APPLY_FAILED: 'one or more resources could not be created, changed or deleted',
  DEPENDENCY_FAILED: 'a resource not attempted because one it depends on failed or was not made',
  STORE_IN_USE: '(warning) a vector store left in place because a managed assistant or agent uses it',
  FOREIGN_EXPIRED_STORE: '(warning) gc --all-expired deletes an expired store this stack does not manage',
  FILE_IN_USE: '(warning) a file left in place because a managed store, assistant or agent still uses it',
  SKILL_IN_USE:
    '(warning) a skill left in place because an agent of the state still pins one of its versions (gc: names it)',
  WORKSPACE_STATE_UNREADABLE:
    "(warning) gc --skill-prefix collects no skill because the state of one of the stack's workspaces could not be read",
  RENDER_TARGET_EXISTS: "an agent's render_to names a file that assistants-iac did not write",
  RENDER_WRITE_FAILED: "an agent's rendered file could not be written or removed",
  RENDERED_FILE_LEFT:
    "(warning) an agent's rendered file left in place because it was edited since apply wrote it",
  FILE_CHANGED_DURING_APPLY:
    '(warning) a file whose bytes changed after they were planned (or while they were uploaded): the state records the hash of the bytes sent, and the next plan uploads the file again if they differ from it',
  LEAK_UNPROVEN:
    "(warning) gc --leaked leaves a resource with this state's lineage that nothing proves this state's own (no stamped store or assistant of the state, no journal entry)",
  PENDING_UNVERIFIED:
    "(warning) a journalled delete that cannot be checked to hit this stack's object (no name and size recorded, or a store not in the state): left in place",
  // Import
  ALREADY_MANAGED:
    "import of an address the state already holds, or of a skill a state of the stack's other workspaces claims (or may: its state could not be read)",
  OWNED_ELSEWHERE:
    'a resource stamped by another state or address: import refuses it without --force; plan, apply, destroy, gc and state rm never change it',
  FILE_IDENTITY_MISMATCH:
    'a file id in the state whose live name or size is not what the state recorded: it is not the file this stack uploaded',
  GENERATE_TARGET_NOT_EMPTY: 'import --generate into a folder that already holds manifests',
  STATE_NOT_EMPTY: 'import --generate with a state that already holds resources',
  GENERATED_MANIFEST_INVALID: 'a live value that the manifests do not accept stops import --generate',
  STAMP_FAILED:
    'import could not stamp what it adopted (--generate: the next apply does; import --force: nothing is imported)',
  // Migrate
  MIGRATE_TARGET_EXISTS: 'migrate --write names a file that already exists (migrate never replaces one)',
  MIGRATE_WRITE_FAILED: 'the file of migrate --write could not be written',
  // Command line and internal
  USAGE: 'the command line is not valid',
  INTERNAL: 'a defect in assistants-iac itself',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** True when `code` is a registered code (used by renderers and by tests of the registry). */
export function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERROR_CODES, code);
}
