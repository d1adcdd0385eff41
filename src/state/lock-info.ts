import { randomUUID } from 'node:crypto';
import { hostname, userInfo } from 'node:os';
import { AssistantsError } from '../errors/index.js';
import type { LockInfo } from './state-store.js';

/**
 * Lock details shared by the backends: making a LockInfo for this process, reading one back, and
 * the messages of STATE_LOCKED and LOCK_NOT_FOUND, so both backends word them the same.
 */

/** A new LockInfo for this process: a fresh uuid, `user@host`, the host name, the pid, now. */
export function newLockInfo(operation: string, now: Date = new Date()): LockInfo {
  const host = hostname();
  return {
    id: randomUUID(),
    operation,
    who: `${userName()}@${host}`,
    host,
    pid: process.pid,
    created: now.toISOString(),
  };
}

/** The login name; os.userInfo() throws where the uid has no passwd entry (some containers). */
function userName(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? process.env.LOGNAME ?? 'unknown';
  }
}

/**
 * A LockInfo from the text of a lock, or undefined when it is not one (half-written, or written by
 * something else): such a lock counts as held by an unknown holder. The pid must be a positive
 * integer, as a 0 or negative pid would make a liveness check address a whole process group.
 */
export function parseLockInfo(text: string): LockInfo | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== 'object') return undefined;
  const v = value as Record<string, unknown>;
  const strings = ['id', 'operation', 'who', 'host', 'created'] as const;
  if (!strings.every((key) => typeof v[key] === 'string') || v.id === '') return undefined;
  if (typeof v.pid !== 'number' || !Number.isSafeInteger(v.pid) || v.pid <= 0) return undefined;
  return {
    id: v.id as string,
    operation: v.operation as string,
    who: v.who as string,
    host: v.host as string,
    pid: v.pid,
    created: v.created as string,
  };
}

/** The lock's text: its LockInfo as indented JSON. */
export function serializeLockInfo(info: LockInfo): string {
  return `${JSON.stringify(info, null, 2)}\n`;
}

/**
 * Whether a process with this pid runs on this machine. EPERM means it runs under another user;
 * anything but ESRCH is taken as alive, since reclaiming a live holder's lock is the worse mistake.
 */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/**
 * What can be told about a lock holder's process from here: running or ended on this host, or
 * on another host, where its pid means nothing to us. A lock whose holder is 'dead' may be
 * reclaimed.
 */
type HolderLiveness = 'alive' | 'dead' | 'elsewhere';

export function holderLiveness(info: LockInfo): HolderLiveness {
  if (info.host !== hostname()) return 'elsewhere';
  return processAlive(info.pid) ? 'alive' : 'dead';
}

/**
 * LOCK_HOLDER_ALIVE for `force-unlock id` without --force, when the holder still runs on this
 * host: removing its lock would let another run write the state beside it.
 */
export function lockHolderAliveError(location: string, holder: LockInfo): AssistantsError {
  return new AssistantsError(
    'LOCK_HOLDER_ALIVE',
    `${location} is locked by ${describeHolder(holder)}, and that process (pid ${holder.pid}) is still running on this host: the lock was left in place`,
    {
      hint: `let that run finish, or stop it; if it no longer uses the state (it hangs, or the pid now belongs to another program), \`assistants force-unlock ${holder.id} --force\` removes the lock anyway`,
    },
  );
}

/** "alice@laptop (pid 4242), running "apply" since 2026-05-01T10:00:00.000Z; lock id 1b2c..." */
export function describeHolder(info: LockInfo): string {
  return `${info.who} (pid ${info.pid}), running "${info.operation}" since ${info.created}; lock id ${info.id}`;
}

/**
 * STATE_LOCKED after waiting: names the holder, or says it is unknown when the lock cannot be read
 * (`lockFile` then names the file to remove by hand, if the backend has one).
 */
export function lockedError(
  location: string,
  holder: LockInfo | undefined,
  waitedMs: number,
  lockFile?: string,
): AssistantsError {
  const waited = waitedMs > 0 ? ` (waited ${formatWait(waitedMs)})` : '';
  if (holder) {
    return new AssistantsError(
      'STATE_LOCKED',
      `${location} is locked by ${describeHolder(holder)}${waited}`,
      {
        hint: `wait for that run to finish, or pass --lock-timeout to wait longer; if no run is active, remove the lock with \`assistants force-unlock ${holder.id}\``,
      },
    );
  }
  return new AssistantsError(
    'STATE_LOCKED',
    `${location} is locked by an unknown holder: the lock${lockFile ? ` ${lockFile}` : ''} cannot be read${waited}`,
    {
      hint: `another run may be taking the lock right now; if no run is active, remove ${lockFile ?? 'the lock'} by hand`,
    },
  );
}

/** LOCK_NOT_FOUND for `force-unlock id`: says which lock is held instead, or that none is. */
export function lockNotFoundError(
  location: string,
  id: string,
  holder: LockInfo | undefined | 'unreadable',
  lockFile?: string,
): AssistantsError {
  if (holder === undefined) {
    return new AssistantsError(
      'LOCK_NOT_FOUND',
      `${location} is not locked: there is no lock ${id} to remove`,
    );
  }
  if (holder === 'unreadable') {
    return new AssistantsError(
      'LOCK_NOT_FOUND',
      `the lock${lockFile ? ` ${lockFile}` : ''} of ${location} cannot be read, so it has no id to match ${id}`,
      { hint: `if no run is active, remove ${lockFile ?? 'the lock'} by hand` },
    );
  }
  return new AssistantsError(
    'LOCK_NOT_FOUND',
    `${location} is locked under id ${holder.id}, not ${id}: held by ${describeHolder(holder)}`,
    {
      hint: 'force-unlock takes the id of the lock that is held; make sure its run is not active before removing it',
    },
  );
}

function formatWait(ms: number): string {
  return ms < 1000 ? `${ms}ms` : `${Math.round(ms / 100) / 10}s`;
}
