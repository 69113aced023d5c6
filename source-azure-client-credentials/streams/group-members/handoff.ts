// The sync-scoped handoff of group members from app_role_assignments to group_members, kept in a temporary file so memory stays flat.
import { readSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { Logger } from '../../logger.js';
import { openPrivateTempFile, type PrivateTempFile, removePrivateTempFile } from '../private-temp-file.js';
import type { GraphMember } from './members.js';

/** Where one page of a group's members lies in the file. */
interface Chunk {
  offset: number;
  length: number;
}

/** What group_members needs of a member, packed: id, @odata.type, displayName, userPrincipalName, mail. */
type Packed = [string, string | null, string | null, string | null, string | null];

const pack = (m: GraphMember): Packed => [
  m.id,
  m['@odata.type'] ?? null,
  m.displayName ?? null,
  m.userPrincipalName ?? null,
  m.mail ?? null,
];

/** Back to the shape Graph gave (a property Graph left out stays out, so "absent" and null keep their meaning). */
function unpack([id, type, displayName, userPrincipalName, mail]: Packed): GraphMember {
  const member: GraphMember = { id };
  if (type !== null) member['@odata.type'] = type;
  if (displayName !== null) member.displayName = displayName;
  if (userPrincipalName !== null) member.userPrincipalName = userPrincipalName;
  if (mail !== null) member.mail = mail;
  return member;
}

/**
 * Streams are read one after another, so a group's members read by app_role_assignments (for its group assignments)
 * would be read again by group_members. When a sync has both, the read command reads app_role_assignments first and
 * hands both this object: app_role_assignments writes every page it reads, group_members takes the groups it finds
 * complete here and reads only the others. Pages go to a file in the system's temporary directory (readable by this
 * user only, deleted when the sync ends), so memory holds only an offset per page however big the groups are.
 * Should the file fail (a read-only or full disk), the handoff stops holding anything and group_members reads those
 * groups itself: the same records for more requests.
 */
export class MembersHandoff {
  private file: PrivateTempFile | undefined;
  private size = 0;
  private failed = false;
  /** Groups whose every page is in the file. */
  private readonly complete = new Map<string, Chunk[]>();
  /** Groups with pages still to come (a group is never complete until its last page is written). */
  private readonly partial = new Map<string, Chunk[]>();

  constructor(private readonly log: Logger) {}

  /** Keeps one page of a group's members; `last` completes the group. */
  write(groupId: string, members: readonly GraphMember[], last: boolean): void {
    if (this.failed) return;
    try {
      const data = Buffer.from(JSON.stringify(members.map(pack)));
      const file = this.open();
      writeSync(file.fd, data, 0, data.length, this.size);
      const chunks = this.partial.get(groupId) ?? [];
      chunks.push({ offset: this.size, length: data.length });
      this.size += data.length;
      if (last) {
        this.partial.delete(groupId);
        this.complete.set(groupId, chunks);
      } else this.partial.set(groupId, chunks);
    } catch (error) {
      this.fail(error);
    }
  }

  /** Forgets a group whose members could not be read (group_members reads it itself and judges the failure). */
  drop(groupId: string): void {
    this.partial.delete(groupId);
    this.complete.delete(groupId);
  }

  /** Whether every member page of the group is held. */
  has(groupId: string): boolean {
    return this.complete.has(groupId);
  }

  /** The groups held, for the reader to take once each. */
  groupIds(): string[] {
    return [...this.complete.keys()];
  }

  /** The held pages of a group, read back one at a time and released; undefined when the group is not held (any more). */
  take(groupId: string): Iterable<GraphMember[]> | undefined {
    const chunks = this.complete.get(groupId);
    if (!chunks || !this.file) return undefined;
    this.complete.delete(groupId);
    const { fd } = this.file;
    return (function* () {
      for (const { offset, length } of chunks) {
        const data = Buffer.alloc(length);
        readSync(fd, data, 0, length, offset);
        yield (JSON.parse(data.toString('utf8')) as Packed[]).map(unpack);
      }
    })();
  }

  /** Deletes the file; the handoff holds nothing afterwards. */
  close(): void {
    this.complete.clear();
    this.partial.clear();
    const file = this.file;
    this.file = undefined;
    if (file) removePrivateTempFile(file);
  }

  private open(): PrivateTempFile {
    // User names and addresses: readable by this user only.
    this.file ??= openPrivateTempFile('source-azure-members-', 'members.json');
    return this.file;
  }

  private fail(error: unknown): void {
    this.failed = true;
    this.log.info(
      `The group members read by app_role_assignments could not be kept for group_members in ${tmpdir()} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); group_members will read them again (more requests, the same records).`,
    );
    this.close();
  }
}
