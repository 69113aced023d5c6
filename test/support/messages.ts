// What a user-facing error message must be: a sentence for a person, never a stack trace or the whole offending input.
import assert from 'node:assert/strict';

/** Longest message a user should have to read; a refused 1 MB value must never come back whole. */
export const MAX_MESSAGE = 2_000;

export function assertReadableMessage(message: unknown, label: string): void {
  assert.equal(typeof message, 'string', `${label}: no message`);
  const text = message as string;
  assert.ok(text.length > 10, `${label}: empty message`);
  assert.ok(text.length <= MAX_MESSAGE, `${label}: a ${text.length}-character message (the input is echoed?)`);
  assert.ok(
    !/\n\s+at /.test(text) && !/\b(TypeError|ReferenceError|SyntaxError|RangeError|Error:)/.test(text),
    `${label}: the message looks like a stack trace: ${text.slice(0, 300)}`,
  );
}
