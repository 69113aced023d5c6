// Unit tests: jsonValue is JSON.stringify(value ?? null) byte for byte, for every UTF-16 code unit and for strings that mix them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jsonValue } from '../../source-azure-client-credentials/streams/json-parts.js';

test('every single UTF-16 code unit, alone and inside text, is written as JSON.stringify writes it', () => {
  for (let code = 0; code <= 0xffff; code++) {
    const unit = String.fromCharCode(code);
    assert.equal(jsonValue(unit), JSON.stringify(unit), `U+${code.toString(16)}`);
    assert.equal(jsonValue(`ab${unit}cd`), JSON.stringify(`ab${unit}cd`), `U+${code.toString(16)} inside text`);
  }
});

test('surrogate pairs, lone surrogates, escapes and plain text together', () => {
  const samples = [
    '',
    'plain',
    'Zoë',
    'Ayşe Yılmaz',
    '😀',
    'a😀b',
    '\ud83d',
    '\ude00x',
    'x\ud83d',
    '"',
    '\\',
    '\n\r\t\b\f',
    '\u007f\u2028\u2029',
  ];
  for (const a of samples) for (const b of samples) assert.equal(jsonValue(a + b), JSON.stringify(a + b), JSON.stringify(a + b));
});

test('values that are not strings: absent and null give null, the rest as JSON.stringify gives them', () => {
  for (const value of [undefined, null]) assert.equal(jsonValue(value), 'null');
  for (const value of [0, -1.5, true, false, ['a'], { a: 'b' }]) assert.equal(jsonValue(value), JSON.stringify(value));
});
