// Compact in-memory buffer of app role assignments keyed by principal, so memory grows with assignments only.
import type { AppRoleAssignmentsRecord } from '../../generated/app-role-assignments.js';

/** An appRoleAssignment as Graph returns it (https://learn.microsoft.com/graph/api/resources/approleassignment). */
export type Assignment = Pick<
  AppRoleAssignmentsRecord,
  'id' | 'appRoleId' | 'createdDateTime' | 'principalId' | 'principalType' | 'principalDisplayName' | 'resourceId' | 'resourceDisplayName'
>;

/** Field separator and null marker of a packed assignment: control characters Graph never puts in these values. */
const SEP = '\u0001';
const NULL = '\u0000';
const put = (value: string | null) => (value === null ? NULL : value);
const get = (value: string | undefined) => (value === undefined || value === NULL ? null : value);

/**
 * Holds assignments until their principal is read (a group's members, or the user in the one pass over
 * /users). Each assignment is one flat string; what an application's assignments share (resource and
 * role) is stored once and referenced by index. Measured: about 200 bytes per buffered user assignment (500,000 in ~100 MB of heap)
 * (key, entry and string), against several times that as parsed objects.
 */
export class AssignmentBuffer {
  private readonly byPrincipal = new Map<string, string | string[]>();
  /** Each (resourceId, resourceDisplayName, appRoleId) once, as its packed key; emptied with the buffer (take). */
  private shared: string[] = [];
  private sharedIndex = new Map<string, number>();
  private held = 0;

  constructor(readonly principalType: 'User' | 'Group') {}

  add(assignment: Assignment): void {
    const principalId = assignment.principalId;
    if (principalId == null) return;
    const shared = this.internShared(assignment.resourceId ?? null, assignment.resourceDisplayName ?? null, assignment.appRoleId ?? null);
    const text = [shared, assignment.id, put(assignment.createdDateTime ?? null), put(assignment.principalDisplayName ?? null)].join(SEP);
    const existing = this.byPrincipal.get(principalId);
    if (existing === undefined) this.byPrincipal.set(principalId, text);
    else if (typeof existing === 'string') this.byPrincipal.set(principalId, [existing, text]);
    else existing.push(text);
    this.held++;
  }

  /** Distinct principals still held. */
  get principals(): number {
    return this.byPrincipal.size;
  }

  /** Assignments still held. */
  get assignments(): number {
    return this.held;
  }

  /** A snapshot of the principal ids still held (taking entries while iterating it is safe). */
  principalIds(): string[] {
    return [...this.byPrincipal.keys()];
  }

  /** The principal's assignments, without releasing them. */
  peek(principalId: string): Assignment[] | undefined {
    const entry = this.byPrincipal.get(principalId);
    if (entry === undefined) return undefined;
    return (typeof entry === 'string' ? [entry] : entry).map((text) => this.unpack(principalId, text));
  }

  /** The principal's assignments, released from the buffer. */
  take(principalId: string): Assignment[] | undefined {
    const assignments = this.peek(principalId);
    if (assignments) {
      this.byPrincipal.delete(principalId);
      this.held -= assignments.length;
      // Empty (every assignment spilled, or every principal read), the shared table would only keep every combination
      // ever seen: 17,500 of them (7 MB) through the bench's 10x run.
      if (this.held === 0) {
        this.shared = [];
        this.sharedIndex = new Map();
      }
    }
    return assignments;
  }

  /** (resourceId, resourceDisplayName, appRoleId) repeat across an application's assignments: stored once. */
  private internShared(resourceId: string | null, resourceDisplayName: string | null, appRoleId: string | null): number {
    // Joined: one flat string (a template literal would be kept as a tree of its pieces).
    const key = [put(resourceId), put(resourceDisplayName), put(appRoleId)].join(SEP);
    let index = this.sharedIndex.get(key);
    if (index === undefined) {
      index = this.shared.push(key) - 1;
      this.sharedIndex.set(key, index);
    }
    return index;
  }

  private unpack(principalId: string, text: string): Assignment {
    // Cut at the separators (no array per assignment: rows unpack every held assignment, 60,000 at the bench's 1x).
    const a = text.indexOf(SEP);
    const b = text.indexOf(SEP, a + 1);
    const c = text.indexOf(SEP, b + 1);
    const shared = this.shared[Number(text.slice(0, a))]!;
    const d = shared.indexOf(SEP);
    const e = shared.indexOf(SEP, d + 1);
    return {
      id: text.slice(a + 1, b),
      appRoleId: get(shared.slice(e + 1)),
      createdDateTime: get(text.slice(b + 1, c)),
      principalId,
      principalType: this.principalType,
      principalDisplayName: get(text.slice(c + 1)),
      resourceId: get(shared.slice(0, d)),
      resourceDisplayName: get(shared.slice(d + 1, e)),
    };
  }
}
