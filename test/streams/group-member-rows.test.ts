// Unit tests: group_members rows written from a group's head and each member's properties are byte for byte JSON.stringify of the record.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  groupHead,
  memberRowJson,
  memberType,
  toMemberRecord,
} from '../../source-azure-client-credentials/streams/group-members/group-members.js';
import type { GraphMember } from '../../source-azure-client-credentials/streams/group-members/members.js';

// Graph's JSON may leave properties out or give null: both are here, with strings that JSON must escape.
const groups = [
  { id: 'g-1', displayName: 'Grüße "Sales" \\ ✓' },
  { id: 'g-2', displayName: null },
  { id: 'g-3' },
  { id: 'g-4', displayName: 'Line\nbreak\ttab \u0001 \u2028' },
];
const members: GraphMember[] = [
  { id: 'u-1', '@odata.type': '#microsoft.graph.user', displayName: 'Zoë Ito', userPrincipalName: 'zoe@contoso.example', mail: null },
  { id: 'u-2', '@odata.type': '#microsoft.graph.user', displayName: 'Ayşe Yılmaz 😀', mail: 'ayse@contoso.example' },
  { id: 'd-1', '@odata.type': '#microsoft.graph.device' },
  { id: 'g-9', '@odata.type': '#microsoft.graph.group', displayName: 'Quote " and backslash \\' },
  { id: 'x-1', '@odata.type': '#other.kind', displayName: 'lone \ud800 surrogate', userPrincipalName: '\u001f', mail: '' },
  { id: 'x-2', displayName: 'no type' },
];

test('a row from its group head and the member is JSON.stringify(toMemberRecord(...)) byte for byte, keys in the same order', () => {
  let compared = 0;
  for (const group of groups) {
    const head = groupHead(group);
    for (const member of members) {
      assert.equal(memberRowJson(head, member, memberType(member)), JSON.stringify(toMemberRecord(group, member)));
      compared++;
    }
  }
  assert.equal(compared, groups.length * members.length);
});
