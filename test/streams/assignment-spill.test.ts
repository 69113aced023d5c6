// Unit tests: the partitioned temporary file that joins users' assignments with the /users pass (assignment-spill.ts).
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { describe, test } from 'node:test';
import type { Assignment } from '../../source-azure-client-credentials/streams/app-role-assignments/assignment-buffer.js';
import { AssignmentSpill } from '../../source-azure-client-credentials/streams/app-role-assignments/assignment-spill.js';
import { usePrivateTmpdir } from '../support/private-tmpdir.js';

const userId = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const assignment = (n: number, user: number): Assignment => ({
  id: `a${n}`,
  appRoleId: n % 3 ? `role-${n % 3}` : null,
  createdDateTime: '2025-01-02T03:04:05Z',
  principalId: userId(user),
  principalType: 'User',
  principalDisplayName: n % 5 ? `User "${user}" ,\\ é` : null,
  resourceId: `sp-${n % 7}`,
  resourceDisplayName: n % 4 ? `App ${n % 7}` : null,
});

describe('AssignmentSpill', () => {
  const tmp = usePrivateTmpdir('azcc-spill-unit-');

  test('joins every assignment with its user once, counts those whose user the pass lacked, and deletes its file', () => {
    const spill = new AssignmentSpill<{ id: string; mail?: string | null }>();
    const added: Assignment[] = [];
    // 3,000 assignments over 1,000 users (several flushes per partition); users 900-999 are not in the pass.
    for (let n = 0; n < 3000; n++) added.push(assignment(n, (n * 7) % 1000));
    for (const a of added) spill.add(a);
    assert.equal(spill.assignments, 3000);
    for (let u = 0; u < 1200; u++) if (u < 900 || u >= 1000) spill.addUser({ id: userId(u), mail: u % 2 ? `u${u}@x` : null });
    const joined: Assignment[] = [];
    const seenUsers = new Set<string>();
    for (const matches of spill.join()) {
      for (const { user, assignments } of matches) {
        assert.ok(!seenUsers.has(user.id), 'a user once');
        seenUsers.add(user.id);
        assert.equal(user.mail, Number(user.id.slice(-4)) % 2 ? `u${Number(user.id.slice(-4))}@x` : null);
        for (const a of assignments) assert.equal(a.principalId, user.id);
        joined.push(...assignments);
      }
    }
    const expected = added.filter((a) => Number(a.principalId!.slice(-12)) < 900);
    const byId = (a: Assignment, b: Assignment) => (a.id < b.id ? -1 : 1);
    assert.deepStrictEqual(joined.sort(byId), expected.sort(byId));
    assert.deepEqual(spill.unmatched(), { assignments: 300, principals: 100 });
    assert.equal(readdirSync(tmp()).length, 1, 'one directory for the file');
    spill.close();
    spill.close();
    assert.deepEqual(readdirSync(tmp()), []);
  });

  test('keeps lines longer than a chunk, and characters of several bytes at chunk ends, exactly', () => {
    const spill = new AssignmentSpill<{ id: string; mail?: string | null }>();
    const added: Assignment[] = [];
    // Names of 1 to 3,000 characters of 1 to 4 bytes each, so that lines end at every position of a chunk, and some
    // lines are longer than a whole chunk (4 KiB).
    const glyphs = ['a', 'é', '✓', '😀'];
    for (let n = 0; n < 400; n++) {
      const name = glyphs[n % 4]!.repeat(1 + ((n * 37) % (n % 10 === 0 ? 3000 : 60)));
      added.push({ ...assignment(n, n % 50), principalDisplayName: name });
    }
    for (const a of added) spill.add(a);
    for (let u = 0; u < 50; u++) spill.addUser({ id: userId(u), mail: `${'✓'.repeat(u * 40)}@x` });
    const joined: Assignment[] = [];
    for (const matches of spill.join()) {
      for (const { user, assignments } of matches) {
        assert.equal(user.mail, `${'✓'.repeat(Number(user.id.slice(-4)) * 40)}@x`);
        joined.push(...assignments);
      }
    }
    const byId = (a: Assignment, b: Assignment) => (a.id < b.id ? -1 : 1);
    assert.deepStrictEqual(joined.sort(byId), added.sort(byId));
    spill.close();
  });

  test('holds no file until something is added, and close is safe then', () => {
    const spill = new AssignmentSpill<{ id: string }>();
    assert.deepEqual([...spill.join()], []);
    spill.close();
    assert.deepEqual(readdirSync(tmp()), []);
  });
});
