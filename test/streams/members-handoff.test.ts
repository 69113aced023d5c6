// Unit tests: the group members handoff file (write, take, drop, a failing disk) and the read order that lets app_role_assignments hand its members to group_members.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { ConfiguredStream } from '../../source-azure-client-credentials/catalog.js';
import { readOrder } from '../../source-azure-client-credentials/commands/read.js';
import type { Logger } from '../../source-azure-client-credentials/logger.js';
import { MembersHandoff } from '../../source-azure-client-credentials/streams/group-members/handoff.js';
import type { GraphMember } from '../../source-azure-client-credentials/streams/group-members/members.js';
import type { StreamDef } from '../../source-azure-client-credentials/streams/types.js';
import { usePrivateTmpdir } from '../support/private-tmpdir.js';

function recordingLog(): Logger & { infos: string[] } {
  const infos: string[] = [];
  return { debug() {}, info: (m) => infos.push(m), warn() {}, error() {}, debugEnabled: false, infos };
}

const user = (n: number): GraphMember => ({
  '@odata.type': '#microsoft.graph.user',
  id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  displayName: `User ${n}`,
  userPrincipalName: `user${n}@contoso.example`,
  mail: n % 2 ? `user${n}@contoso.example` : null,
  // Read by app_role_assignments only: not kept for group_members.
  givenName: 'Given',
});

describe('MembersHandoff', () => {
  const tmp = usePrivateTmpdir('azcc-handoff-unit-');

  test('holds a group once its last page is written, gives its pages back in order and once, and deletes its file on close', () => {
    const handoff = new MembersHandoff(recordingLog());
    const pages = [[user(1), user(2)], [user(3)], []];
    handoff.write('g1', pages[0]!, false);
    handoff.write('g1', pages[1]!, false);
    assert.equal(handoff.has('g1'), false, 'not before its last page');
    handoff.write('g1', pages[2]!, true);
    handoff.write('g2', [{ '@odata.type': '#microsoft.graph.device', id: 'd1', displayName: 'LAPTOP-1' }], true);
    assert.deepEqual(handoff.groupIds(), ['g1', 'g2']);
    const files = readdirSync(tmp());
    assert.equal(files.length, 1);
    const taken = [...handoff.take('g1')!];
    // What group_members emits survives; absent properties stay absent, null ones come back absent (both read as null).
    assert.deepEqual(
      taken,
      pages.map((page) =>
        page.map((m) => ({
          '@odata.type': m['@odata.type'],
          id: m.id,
          displayName: m.displayName,
          userPrincipalName: m.userPrincipalName,
          ...(m.mail ? { mail: m.mail } : {}),
        })),
      ),
    );
    assert.equal(handoff.take('g1'), undefined, 'a group is taken once');
    assert.equal(handoff.has('g1'), false);
    assert.deepEqual([...handoff.take('g2')!], [[{ '@odata.type': '#microsoft.graph.device', id: 'd1', displayName: 'LAPTOP-1' }]]);
    handoff.close();
    assert.deepEqual(readdirSync(tmp()), [], 'the file and its directory are gone');
  });

  test('a group dropped after a failure, or never finished, is not held', () => {
    const handoff = new MembersHandoff(recordingLog());
    handoff.write('gone', [user(1)], true);
    handoff.drop('gone');
    handoff.write('half', [user(2)], false);
    assert.deepEqual(handoff.groupIds(), []);
    assert.equal(handoff.take('half'), undefined);
    handoff.close();
  });

  test('a temporary directory that cannot be written makes the handoff hold nothing, with an INFO, never an error', () => {
    const blocked = join(tmp(), 'not-a-directory');
    writeFileSync(blocked, '');
    process.env.TMPDIR = blocked;
    const log = recordingLog();
    const handoff = new MembersHandoff(log);
    handoff.write('g1', [user(1)], true);
    handoff.write('g2', [user(2)], true);
    assert.equal(handoff.has('g1') || handoff.has('g2'), false);
    assert.equal(log.infos.length, 1);
    assert.match(log.infos[0]!, /group_members will read them again \(more requests, the same records\)/);
    handoff.close();
    assert.ok(existsSync(blocked));
  });
});

describe('read order', () => {
  const configured = (...names: string[]): ConfiguredStream[] =>
    names.map((name) => ({ def: { name } as StreamDef, syncMode: 'full_refresh' }));
  const order = (...names: string[]) => readOrder(configured(...names)).map((s) => s.def.name);

  test('app_role_assignments is read before group_members when both are selected; otherwise the catalog order stands', () => {
    assert.deepEqual(order('users', 'group_members', 'groups', 'app_role_assignments'), [
      'users',
      'app_role_assignments',
      'group_members',
      'groups',
    ]);
    assert.deepEqual(order('app_role_assignments', 'users', 'group_members'), ['app_role_assignments', 'users', 'group_members']);
    assert.deepEqual(order('group_members', 'users'), ['group_members', 'users']);
    assert.deepEqual(order('users', 'app_role_assignments'), ['users', 'app_role_assignments']);
  });
});
