// Assignments of users (joined with the /users pass) or of groups (read back a partition at a time) in partitioned temporary files, so memory stays flat however big the tenant.
import { readSync, writeSync } from 'node:fs';
import { openPrivateTempFile, type PrivateTempFile, removePrivateTempFile } from '../private-temp-file.js';
import type { Assignment } from './assignment-buffer.js';

/**
 * Partitions by user id. Each holds about 1/PARTITIONS of the assignments, the most ever parsed at once: 450,000
 * assignments of a 500,000-user tenant make about 3,500 per partition (under a MB).
 */
const PARTITIONS = 128;
/**
 * Each partition's lines are written once they fill a buffer of this many bytes. The buffers (PARTITIONS of them per
 * kind of line, 512 KiB) are reused, outside the JS heap: pending lines held as strings lived long enough to be promoted
 * to the old generation and died there, hundreds of MB of them at the bench's 10x, which kept its heap tens of MB bigger.
 */
const FLUSH_AT = 4 * 1024;
const OPEN = 0x5b; // [
const COMMA = 0x2c;
const CLOSE = 0x5d; // ]

/** Where one written chunk lies in the file. */
interface Chunk {
  offset: number;
  length: number;
}

/** Which partition an id falls in: a string hash, so ids of any form spread (Graph's are GUIDs). */
function partitionOf(id: string): number {
  let hash = 0;
  for (let i = 0; i < id.length; i++) hash = (Math.imul(hash, 31) + id.charCodeAt(i)) | 0;
  return (hash >>> 0) % PARTITIONS;
}

/** An assignment as one JSON array: [id, appRoleId, createdDateTime, principalId, principalDisplayName, resourceId, resourceDisplayName]. */
type PackedAssignment = [string, string | null, string | null, string, string | null, string | null, string | null];

const packAssignment = (a: Assignment): PackedAssignment => [
  a.id,
  a.appRoleId ?? null,
  a.createdDateTime ?? null,
  a.principalId ?? '',
  a.principalDisplayName ?? null,
  a.resourceId ?? null,
  a.resourceDisplayName ?? null,
];

const unpackAssignment = (
  [id, appRoleId, createdDateTime, principalId, principalDisplayName, resourceId, resourceDisplayName]: PackedAssignment,
  principalType: 'User' | 'Group',
): Assignment => ({
  id,
  appRoleId,
  createdDateTime,
  principalId,
  principalType,
  principalDisplayName,
  resourceId,
  resourceDisplayName,
});

/** Where chunks are written and read back (one file for every PartitionedFile of a spill). */
interface ChunkStore {
  write(data: Buffer): Chunk;
  read(chunk: Chunk): Buffer;
}

/** One kind of JSON lines per partition, written in chunks (each a JSON array) to the store, each partition's chunks listed in memory. */
class PartitionedFile {
  /** Each partition's pending chunk, encoded: '[' then its lines separated by ','; allocated when first used. */
  private readonly pending: (Buffer | undefined)[] = new Array(PARTITIONS);
  private readonly pendingBytes = new Array<number>(PARTITIONS).fill(0);
  private readonly chunks: Chunk[][] = Array.from({ length: PARTITIONS }, () => []);

  constructor(private readonly store: ChunkStore) {}

  append(partition: number, line: string): void {
    const bytes = Buffer.byteLength(line);
    // A chunk is '[' + lines joined by ',' + ']': a line needs its bytes and one separator, and room is kept for ']'.
    if (this.pendingBytes[partition]! + 1 + bytes + 1 > FLUSH_AT) this.flush(partition);
    if (1 + bytes + 1 > FLUSH_AT) {
      this.chunks[partition]!.push(this.store.write(Buffer.from(`[${line}]`)));
      return;
    }
    const buffer = this.pending[partition] ?? Buffer.allocUnsafe(FLUSH_AT);
    this.pending[partition] = buffer;
    const at = this.pendingBytes[partition]!;
    buffer[at] = at === 0 ? OPEN : COMMA;
    this.pendingBytes[partition] = at + 1 + buffer.write(line, at + 1);
  }

  /** The partition's lines, parsed a chunk at a time. */
  *read<T>(partition: number): Iterable<T[]> {
    this.flush(partition);
    for (const chunk of this.chunks[partition]!) yield JSON.parse(this.store.read(chunk).toString('utf8')) as T[];
  }

  private flush(partition: number): void {
    const length = this.pendingBytes[partition]!;
    if (length === 0) return;
    const buffer = this.pending[partition]!;
    buffer[length] = CLOSE;
    // The store writes synchronously, so the buffer is free again on return.
    this.chunks[partition]!.push(this.store.write(buffer.subarray(0, length + 1)));
    this.pendingBytes[partition] = 0;
  }
}

/**
 * A hash join of users' assignments with the users of the /users pass, for when the assignments are too many to hold:
 * assignments and users go to the partition of their user id in a temporary file (readable by this user only), then
 * each partition's assignments are held while its users are read back. Memory holds one partition and the chunk list.
 * The caller closes it on every exit path (close() deletes the file).
 */
export class AssignmentSpill<P extends { id: string }> implements ChunkStore {
  private file: PrivateTempFile | undefined;
  private size = 0;
  private readonly assignmentLines = new PartitionedFile(this);
  private readonly userLines = new PartitionedFile(this);
  private held = 0;
  private matched = 0;
  private unmatchedPrincipals = 0;

  constructor(private readonly principalType: 'User' | 'Group' = 'User') {}

  /** Assignments added. */
  get assignments(): number {
    return this.held;
  }

  add(assignment: Assignment): void {
    if (assignment.principalId == null) return;
    this.assignmentLines.append(partitionOf(assignment.principalId), JSON.stringify(packAssignment(assignment)));
    this.held++;
  }

  /** A user of the /users pass (its properties as read; any of them may be absent). */
  addUser(user: P): void {
    this.userLines.append(partitionOf(user.id), JSON.stringify(user));
  }

  /**
   * Each user with its assignments, a partition at a time (users without assignment are left out). Afterwards,
   * unmatched() counts the assignments whose user the pass did not list.
   */
  *join(): Iterable<{ user: P; assignments: Assignment[] }[]> {
    for (let p = 0; p < PARTITIONS; p++) {
      const byUser = new Map<string, Assignment[]>();
      for (const chunk of this.assignmentLines.read<PackedAssignment>(p)) {
        for (const packed of chunk) {
          const assignment = unpackAssignment(packed, this.principalType);
          const list = byUser.get(packed[3]);
          if (list) list.push(assignment);
          else byUser.set(packed[3], [assignment]);
        }
      }
      if (byUser.size === 0) continue;
      for (const users of this.userLines.read<P>(p)) {
        const found: { user: P; assignments: Assignment[] }[] = [];
        for (const user of users) {
          const assignments = byUser.get(user.id);
          if (!assignments) continue;
          byUser.delete(user.id);
          this.matched += assignments.length;
          found.push({ user, assignments });
        }
        if (found.length > 0) yield found;
      }
      this.unmatchedPrincipals += byUser.size;
    }
  }

  /**
   * Every assignment added, a partition at a time: a principal's assignments all come in the same partition (groups'
   * assignments are read back this way, each partition's groups then read for their members).
   */
  *partitions(): Iterable<Assignment[]> {
    for (let p = 0; p < PARTITIONS; p++) {
      const assignments: Assignment[] = [];
      for (const chunk of this.assignmentLines.read<PackedAssignment>(p))
        for (const packed of chunk) assignments.push(unpackAssignment(packed, this.principalType));
      if (assignments.length > 0) yield assignments;
    }
  }

  /** After join(): the assignments, and their distinct users, that no user of the pass matched. */
  unmatched(): { assignments: number; principals: number } {
    return { assignments: this.held - this.matched, principals: this.unmatchedPrincipals };
  }

  write(data: Buffer): Chunk {
    const { fd } = this.open();
    writeSync(fd, data, 0, data.length, this.size);
    const chunk = { offset: this.size, length: data.length };
    this.size += data.length;
    return chunk;
  }

  read({ offset, length }: Chunk): Buffer {
    const data = Buffer.alloc(length);
    if (this.file) readSync(this.file.fd, data, 0, length, offset);
    return data;
  }

  /** Deletes the file (idempotent). */
  close(): void {
    const file = this.file;
    this.file = undefined;
    if (file) removePrivateTempFile(file);
  }

  private open(): PrivateTempFile {
    // User names and addresses: readable by this user only.
    this.file ??= openPrivateTempFile('source-azure-assignments-', 'assignments.json');
    return this.file;
  }
}
