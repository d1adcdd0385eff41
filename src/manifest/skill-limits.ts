/**
 * The bounds of one skill version, checked before anything is uploaded. Kept beside the manifest
 * rules (not in the model's LIMITS) only until the model takes them; the emulator applies the same
 * numbers to uploads (src/emulator/skill-archive.ts).
 */

/** Files in one version: the spec's `maxItems` on the `files[]` of the skill create bodies. */
export const MAX_SKILL_FILES = 500;

/**
 * Bytes of one version's files in all. The spec states no size limit for skills; this is the
 * bound the bundled emulator puts on an upload (it assembles a version in memory), and the one
 * the docs state, so that a skill that validates is one the emulator takes.
 */
export const MAX_SKILL_BYTES = 50 * 1024 * 1024;

/**
 * Folder entries (files, folders, links, anything) one skill's walk reads: far beyond a skill of
 * 500 files in its folders, low enough that a maze of folder links cannot make validation crawl.
 */
export const MAX_SKILL_ENTRIES = 10_000;

/** Skills in one shell tool's container: the spec's `maxItems` on ContainerAutoParam.skills. */
export const MAX_CONTAINER_SKILLS = 200;
